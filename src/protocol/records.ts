// Map shapes take their keys from the request. Assigning `result[key]` with the
// key "__proto__" would replace the object's prototype instead of adding an
// entry, so map entries are defined as own properties.

export function setOwnProperty(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
