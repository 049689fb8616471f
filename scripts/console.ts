import { consoleCli } from './console/cli.ts';

// `npm run console -- --url …`: the fleet console for a deployed API (see scripts/console/cli.ts).
await consoleCli();
