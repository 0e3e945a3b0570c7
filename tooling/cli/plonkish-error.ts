// User-facing errors of the setup/prove/verify commands (kept apart so commands can import it cheaply).
export class CliError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}
