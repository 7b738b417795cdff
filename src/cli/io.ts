/** What a CLI command may touch, passed in so commands are testable without a process. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readFile: (path: string) => Promise<string>;
  env: NodeJS.ProcessEnv;
}
