import { readFile } from 'node:fs/promises';

/**
 * Summarizes a V8 CPU profile (`--cpu-prof`): `node bench/profile-summary.ts FILE.cpuprofile [N]`
 * prints the N (default 25) functions with the most self time, then the N with the most
 * inclusive time (self plus callees, each function counted once per sample even when
 * recursive), as percentages of all samples. Idle and GC are shown as V8 names them.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
}

export function summarize(profile: Profile, top = 25): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const label = (node: ProfileNode) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url === '' ? '' : ` ${url.replace(/^.*\/(src|bench|node_modules)\//, '$1/').replace(/^node:/, 'node:')}:${lineNumber + 1}`;
    return `${functionName || '(anonymous)'}${file}`;
  };
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const sample of profile.samples) {
    const leaf = byId.get(sample);
    if (!leaf) continue;
    self.set(label(leaf), (self.get(label(leaf)) ?? 0) + 1);
    const seen = new Set<string>();
    for (let id: number | undefined = sample; id !== undefined; id = parent.get(id)) {
      const name = label(byId.get(id)!);
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + 1);
    }
  }
  const total = profile.samples.length;
  const table = (title: string, counts: Map<string, number>) => {
    const rows = [...counts].sort((a, b) => b[1] - a[1]).slice(0, top);
    return [title, ...rows.map(([name, n]) => `${((100 * n) / total).toFixed(1).padStart(6)}%  ${name}`)].join('\n');
  };
  const skipRoots = new Map([...inclusive].filter(([name]) => !/^\((root|program|idle|garbage collector)\)/.test(name)));
  return `${total} samples\n${table('self time', self)}\n\n${table('inclusive time', skipRoots)}\n`;
}

if (import.meta.main) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: node bench/profile-summary.ts FILE.cpuprofile [N]');
  const profile = JSON.parse(await readFile(file, 'utf8')) as Profile;
  process.stdout.write(summarize(profile, Number(process.argv[3] ?? '25')));
}
