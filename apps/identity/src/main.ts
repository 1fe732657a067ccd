import { runService } from '@nxg/platform';
import { loadIdentityConfig } from './config.ts';
import { buildService } from './service.ts';

const config = loadIdentityConfig();
await runService({ name: 'identity', config, port: config.IDENTITY_PORT, build: buildService });
