import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';

/**
 * Carries out the project's Dockerfile without a Docker engine, so a test can prove its
 * steps: the image's filesystem is a directory (`root`), COPY copies from the build context
 * through .dockerignore, `RUN npm …` runs npm in the WORKDIR, and the ENTRYPOINT/CMD and
 * HEALTHCHECK come back as commands to run with the image's environment. Only the forms the
 * Dockerfile uses are understood; anything else throws, so a new step cannot pass unseen.
 */
export interface Image {
  root: string;
  workdir: string;
  /** The image's ENV, with absolute paths in values moved under `root`. */
  env: Record<string, string>;
  /** The image's ENV as written. */
  declaredEnv: Record<string, string>;
  user: string | undefined;
  volumes: string[];
  exposed: string[];
  command: string[];
  healthcheck: string[] | undefined;
  /** What was done for each step, for the test's own output. */
  log: string[];
}

interface Instruction {
  keyword: string;
  args: string;
}

export function parseDockerfile(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (pending === '' && (line.trim() === '' || line.trimStart().startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      pending += line.slice(0, -1) + ' ';
      continue;
    }
    const whole = (pending + line).trim();
    pending = '';
    const space = whole.indexOf(' ');
    instructions.push({ keyword: whole.slice(0, space).toUpperCase(), args: whole.slice(space + 1).trim() });
  }
  return instructions;
}

export interface BuildOptions {
  context: string;
  root: string;
  /** Environment for RUN steps besides the image's ENV (PATH with the right node, npm's cache). */
  runEnv: NodeJS.ProcessEnv;
}

export function buildImage(dockerfile: string, options: BuildOptions): Image {
  const ignore = readDockerignore(options.context);
  const image: Image = { root: options.root, workdir: options.root, env: {}, declaredEnv: {}, user: undefined, volumes: [], exposed: [], command: [], healthcheck: undefined, log: [] };
  let entrypoint: string[] = [];
  let cmd: string[] = [];
  const inRoot = (path: string) => join(options.root, path);
  for (const { keyword, args } of parseDockerfile(dockerfile)) {
    switch (keyword) {
      case 'FROM':
        if (!/^node:24(-[a-z]+)?$/.test(args)) throw new Error(`FROM ${args}: the test knows the official node:24 images only`);
        image.log.push(`FROM ${args}: this machine's Node.js 24 stands in for the image's`);
        break;
      case 'ENV':
        for (const [name, value] of parseEnv(args)) {
          image.declaredEnv[name] = value;
          image.env[name] = value.startsWith('/') ? inRoot(value) : value;
        }
        break;
      case 'WORKDIR':
        if (!args.startsWith('/')) throw new Error(`WORKDIR ${args}: only absolute paths`);
        image.workdir = inRoot(args);
        mkdirSync(image.workdir, { recursive: true });
        break;
      case 'COPY': {
        const parts = args.split(/\s+/);
        if (parts.some((p) => p.startsWith('--'))) throw new Error(`COPY ${args}: no COPY options are understood`);
        const dest = parts.pop()!;
        const target = dest.startsWith('/') ? inRoot(dest) : join(image.workdir, dest);
        for (const source of parts) {
          const from = join(options.context, source);
          const to = dest.endsWith('/') && !statSync(from).isDirectory() ? join(target, basename(source)) : target;
          cpSync(from, to, { recursive: true, filter: (path) => !ignore(relative(options.context, path)) });
        }
        image.log.push(`COPY ${args}`);
        break;
      }
      case 'RUN':
        run(args, image, options);
        break;
      case 'USER':
        image.user = args;
        break;
      case 'VOLUME':
        image.volumes.push(...execForm(args, 'VOLUME'));
        break;
      case 'EXPOSE':
        image.exposed.push(...args.split(/\s+/));
        break;
      case 'HEALTHCHECK': {
        const at = args.indexOf('CMD [');
        if (at < 0) throw new Error('HEALTHCHECK: only the CMD ["…"] form is understood');
        image.healthcheck = execForm(args.slice(at + 4), 'HEALTHCHECK CMD');
        break;
      }
      case 'ENTRYPOINT':
        entrypoint = execForm(args, 'ENTRYPOINT');
        break;
      case 'CMD':
        cmd = execForm(args, 'CMD');
        break;
      default:
        throw new Error(`${keyword}: not an instruction this test carries out`);
    }
  }
  image.command = [...entrypoint, ...cmd];
  return image;
}

function run(args: string, image: Image, options: BuildOptions): void {
  let command = args;
  // A build cache mount only keeps npm's download cache out of the image; here npm uses
  // this machine's cache, which is the same thing.
  const mount = /^--mount=type=cache,target=\S+\s+/.exec(command);
  if (mount) command = command.slice(mount[0].length);
  if (command.startsWith('--')) throw new Error(`RUN ${args}: no other RUN options are understood`);
  if (command.startsWith('npm ')) {
    const r = spawnSync('sh', ['-c', command], { cwd: image.workdir, env: { ...options.runEnv, ...image.env }, encoding: 'utf8' });
    if (r.status !== 0) throw Object.assign(new Error(`RUN ${command} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`), { npmFailed: true });
    image.log.push(`RUN ${command}`);
    return;
  }
  // The data directory of the image's `node` user: made here; its owner is Docker's business.
  const dataDir = /^mkdir -p (\/[\w/.-]+) && chown node:node (\/[\w/.-]+)$/.exec(command);
  if (dataDir && dataDir[1] === dataDir[2]) {
    mkdirSync(join(image.root, dataDir[1]!), { recursive: true });
    image.log.push(`RUN ${command} (made ${dataDir[1]} under the image root; ownership not emulated)`);
    return;
  }
  throw new Error(`RUN ${command}: not a step this test knows how to carry out`);
}

function execForm(args: string, what: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    throw new Error(`${what} ${args}: only the JSON exec form is understood`);
  }
  if (!Array.isArray(parsed) || !parsed.every((x) => typeof x === 'string')) throw new Error(`${what}: expected a JSON array of strings`);
  return parsed;
}

function parseEnv(args: string): [string, string][] {
  const pairs: [string, string][] = [];
  for (const item of args.split(/\s+/)) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new Error(`ENV ${args}: only NAME=VALUE pairs without spaces are understood`);
    pairs.push([item.slice(0, eq), item.slice(eq + 1)]);
  }
  return pairs;
}

/**
 * .dockerignore as Docker reads it, for the patterns the project uses: paths from the
 * context root, `*` within a name, `**` for any number of directories; a match excludes the
 * directory's whole subtree. Other syntax (`!`, `?`, `[…]`) throws.
 */
export function readDockerignore(context: string): (relativePath: string) => boolean {
  let text = '';
  try {
    text = readFileSync(join(context, '.dockerignore'), 'utf8');
  } catch {
    return () => false;
  }
  const patterns = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      if (/[!?[\]]/.test(l)) throw new Error(`.dockerignore: '${l}' uses syntax this test does not understand`);
      return l.replace(/^\/+|\/+$/g, '').split('/');
    });
  return (relativePath) => {
    if (relativePath === '') return false;
    const segments = relativePath.split(sep);
    return patterns.some((pattern) => segments.some((_, i) => matchSegments(pattern, segments.slice(0, i + 1))));
  };
}

function matchSegments(pattern: string[], path: string[]): boolean {
  if (pattern.length === 0) return path.length === 0;
  const [head, ...rest] = pattern;
  if (head === '**') return path.some((_, i) => matchSegments(rest, path.slice(i))) || matchSegments(rest, []);
  return path.length > 0 && matchName(head!, path[0]!) && matchSegments(rest, path.slice(1));
}

/** `*` matches any run of characters within one name. */
function matchName(pattern: string, name: string): boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === name;
  if (!name.startsWith(parts[0]!) || !name.endsWith(parts.at(-1)!)) return false;
  let at = parts[0]!.length;
  for (const part of parts.slice(1, -1)) {
    const found = name.indexOf(part, at);
    if (found < 0) return false;
    at = found + part.length;
  }
  return at <= name.length - parts.at(-1)!.length;
}
