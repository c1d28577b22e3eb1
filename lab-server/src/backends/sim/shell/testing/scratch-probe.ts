import { Bash } from 'just-bash';
const bash = new Bash({ commands: ['echo', 'ls', 'printenv', 'xargs', 'bash', 'sh', 'env', 'cat'] as never });
for (const line of process.argv.slice(2)) {
  const r = await bash.exec(line);
  console.log(`$ ${line}\n  stdout=${JSON.stringify(r.stdout)} stderr=${JSON.stringify(r.stderr)} exit=${r.exitCode}`);
}
