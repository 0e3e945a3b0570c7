// The slice of the VS Code API the client uses. @types/vscode is not a dependency of this repository;
// the real module is provided by the editor at run time (and is external to the esbuild bundle).
declare module "vscode" {
  export interface Disposable {
    dispose(): unknown;
  }
  export interface ExtensionContext {
    subscriptions: Disposable[];
  }
  export interface WorkspaceConfiguration {
    get<T>(section: string): T | undefined;
  }
  export interface ConfigurationChangeEvent {
    affectsConfiguration(section: string): boolean;
  }
  export namespace workspace {
    function getConfiguration(section?: string): WorkspaceConfiguration;
    function onDidChangeConfiguration(listener: (e: ConfigurationChangeEvent) => unknown): Disposable;
  }
  export namespace window {
    function showErrorMessage(message: string): Thenable<string | undefined>;
  }
  export namespace commands {
    function registerCommand(command: string, callback: (...args: unknown[]) => unknown): Disposable;
  }
}
