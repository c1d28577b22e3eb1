/** `kubectl SUBCOMMAND --help`, shortened: kubectl's one-line description and its usage line for each subcommand. */
import { OUTPUT_FORMATS } from './output.ts';

const USAGE: Record<string, [string, string]> = {
  get: [
    'Display one or many resources',
    `get [(-o|--output=)${OUTPUT_FORMATS.join('|')}] (TYPE[.VERSION][.GROUP] [NAME | -l label] | TYPE[.VERSION][.GROUP]/NAME ...) [flags]`,
  ],
  describe: [
    'Show details of a specific resource or group of resources',
    'describe (-f FILENAME | TYPE [NAME_PREFIX | -l label] | TYPE/NAME)',
  ],
  apply: ['Apply a configuration to a resource by file name or stdin', 'apply (-f FILENAME | -k DIRECTORY)'],
  create: ['Create a resource from a file or from stdin', 'create -f FILENAME'],
  replace: ['Replace a resource by file name or stdin', 'replace -f FILENAME'],
  delete: [
    'Delete resources by file names, stdin, resources and names, or by resources and label selector',
    'delete ([-f FILENAME] | [-k DIRECTORY] | TYPE [(NAME | -l label | --all)])',
  ],
  label: [
    'Update the labels on a resource',
    'label [--overwrite] (-f FILENAME | TYPE NAME) KEY_1=VAL_1 ... KEY_N=VAL_N [--resource-version=version]',
  ],
  annotate: [
    'Update the annotations on a resource',
    'annotate [--overwrite] (-f FILENAME | TYPE NAME) KEY_1=VAL_1 ... KEY_N=VAL_N [--resource-version=version]',
  ],
  scale: [
    'Set a new size for a deployment, replica set, or replication controller',
    'scale [--resource-version=version] [--current-replicas=count] --replicas=COUNT (-f FILENAME | TYPE NAME)',
  ],
  exec: ['Execute a command in a container', 'exec (POD | TYPE/NAME) [-c CONTAINER] [flags] -- COMMAND [args...]'],
  logs: ['Print the logs for a container in a pod', 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'],
  wait: [
    'Experimental: Wait for a specific condition on one or many resources',
    'wait ([-f FILENAME] | resource.group/resource.name | resource.group [(-l label | ' +
      "--all)]) [--for=create|--for=delete|--for condition=available|--for=jsonpath='{}'[=value]]",
  ],
  rollout: ['Manage the rollout of a resource', 'rollout SUBCOMMAND'],
  version: ['Print the client and server version information', 'version'],
  'api-resources': ['Print the supported API resources on the server', 'api-resources'],
  'api-versions': ['Print the supported API versions on the server, in the form of "group/version"', 'api-versions'],
  config: ['Modify kubeconfig files', 'config SUBCOMMAND'],
  'cluster-info': ['Display cluster information', 'cluster-info'],
  edit: ['Edit a resource on the server', 'edit (RESOURCE/NAME | -f FILENAME)'],
  patch: [
    'Update fields of a resource using strategic merge patch, a JSON merge patch, or a JSON patch',
    'patch (-f FILENAME | TYPE NAME) [-p PATCH|--patch-file FILE]',
  ],
  run: [
    'Create and run a particular image in a pod',
    'run NAME --image=image [--env="key=value"] [--port=port] [--dry-run=server|client] ' +
      '[--overrides=inline-json] [--command] -- [COMMAND] [args...]',
  ],
  cp: ['Copy files and directories to and from containers', 'cp <file-spec-src> <file-spec-dest>'],
  debug: [
    'Debug cluster resources using interactive debugging containers',
    'debug (POD | TYPE[[.VERSION].GROUP]/NAME) [ -- COMMAND [args...] ]',
  ],
  top: ['Display resource (CPU/memory) usage', 'top'],
  explain: [
    'Get documentation for a resource',
    'explain TYPE [--recursive=FALSE|TRUE] [--api-version=api-version-group] [-o|--output=plaintext|plaintext-openapiv2]',
  ],
};

/** The help of one subcommand (kubectl's template ends the usage line with `[options]`). */
export function subcommandHelp(name: string): string | undefined {
  const entry = USAGE[name];
  if (!entry) return undefined;
  return (
    `${entry[0]}.\n\nUsage:\n  kubectl ${entry[1]} [options]\n\nUse "kubectl ` +
    `options" for a list of global command-line options (applies to all commands).\n`
  );
}
