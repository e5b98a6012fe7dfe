#!/usr/bin/env node
// The `handoff` command. The CLI is TypeScript shared with the web app; tsx compiles it on load.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/lib/server/cli.ts');
process.exitCode = await main(process.argv.slice(2));
