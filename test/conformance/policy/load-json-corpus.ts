// Reads a conformance corpus: every *.json file of a folder (schemas excluded), each holding an
// array of cases. Problems are collected rather than thrown so a runner can report every
// malformed file and case at once instead of stopping at the first.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CorpusEntry {
  /** File name without the .json extension: the topic. */
  readonly topic: string;
  /** Position of the case in its file. */
  readonly index: number;
  readonly value: unknown;
}

export interface CorpusFileProblem {
  readonly topic: string;
  readonly problem: string;
}

export interface JsonCorpus {
  readonly entries: readonly CorpusEntry[];
  readonly fileProblems: readonly CorpusFileProblem[];
}

export function loadJsonCorpus(dir: string): JsonCorpus {
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.json') && !name.endsWith('.schema.json'))
    .sort();
  const entries: CorpusEntry[] = [];
  const fileProblems: CorpusFileProblem[] = [];
  if (files.length === 0) fileProblems.push({ topic: '(none)', problem: `no corpus files in ${dir}` });
  for (const file of files) {
    const topic = file.slice(0, -'.json'.length);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    } catch (error) {
      fileProblems.push({ topic, problem: `not valid JSON: ${(error as Error).message}` });
      continue;
    }
    if (!Array.isArray(parsed)) {
      fileProblems.push({ topic, problem: 'the file must hold a JSON array of cases' });
      continue;
    }
    if (parsed.length === 0) fileProblems.push({ topic, problem: 'the file holds no cases' });
    parsed.forEach((value: unknown, index) => entries.push({ topic, index, value }));
  }
  return { entries, fileProblems };
}

/** Names used by more than one case: a runner cannot tell such cases apart in its report. */
export function duplicateNames(entries: readonly CorpusEntry[]): string[] {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const { value } of entries) {
    if (typeof value !== 'object' || value === null) continue;
    const name = (value as { name?: unknown }).name;
    if (typeof name !== 'string') continue;
    if (seen.has(name)) duplicates.add(name);
    seen.add(name);
  }
  return [...duplicates].sort();
}
