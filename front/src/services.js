// Only the parts of @jupyterlab/services and coreutils this front end uses, imported by path so
// the bundle leaves out the rest (contents, sessions, terminals, settings, …).
export { ServerConnection } from '@jupyterlab/services/lib/serverconnection';
export { PageConfig, URLExt } from '@jupyterlab/coreutils';
