import type { ServiceName } from '../protocol/model.ts';
import { DeclarationError, type DeclarationTable, type OperationDeclaration } from './declaration.ts';

/**
 * Every operation Tessera serves, by service and name — Maps throughout, so no name a request
 * carries (`__proto__`, `constructor`, …) can reach an object's prototype. Operations of a
 * service's model that are not declared answer NotImplemented without running anything.
 */
export class OperationRegistry {
  readonly #services = new Map<ServiceName, Map<string, OperationDeclaration>>();

  get(service: ServiceName, name: string): OperationDeclaration | undefined {
    return this.#services.get(service)?.get(name);
  }

  *all(): Iterable<OperationDeclaration> {
    for (const operations of this.#services.values()) yield* operations.values();
  }

  add(declaration: OperationDeclaration): void {
    let operations = this.#services.get(declaration.service);
    if (!operations) this.#services.set(declaration.service, (operations = new Map()));
    operations.set(declaration.name, declaration);
  }
}

/**
 * Builds the registry from every module's declarations. Fails — and the server does not start
 * — when an operation lacks an authorization target or a handler, is declared twice, or is
 * not an operation of its service's model.
 */
export function buildRegistry(tables: Iterable<DeclarationTable>, inModel: (service: ServiceName, name: string) => boolean): OperationRegistry {
  const registry = new OperationRegistry();
  for (const table of tables) {
    for (const declaration of table.values()) {
      const id = `${declaration.service}:${declaration.name}`;
      if (typeof declaration.target !== 'function') throw new DeclarationError(`${id} is declared without an authorization target`);
      if (typeof declaration.handler !== 'function') throw new DeclarationError(`${id} is declared without a handler`);
      if (!inModel(declaration.service, declaration.name)) throw new DeclarationError(`${id} is not an operation of the ${declaration.service} model`);
      if (registry.get(declaration.service, declaration.name)) throw new DeclarationError(`${id} is declared twice`);
      registry.add(declaration);
    }
  }
  return registry;
}
