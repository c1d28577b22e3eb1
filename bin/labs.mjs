#!/usr/bin/env node
// The `labs` command (package bin). The code is TypeScript run by Node's type stripping (Node >= 22.18).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `labs: Node ${process.versions.node} is too old; Istio Traffic Labs needs Node 22.18 or newer (24 recommended)\n`,
  );
  process.exit(1);
}
const { main } = await import('../lab-server/src/cli/main.ts');
const code = await main(process.argv.slice(2));
// Let pending output drain, then leave even if a backend keeps handles open.
process.exitCode = code;
setTimeout(() => process.exit(code), 50).unref();
