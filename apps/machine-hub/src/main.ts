import { runService } from '@nxg/platform';
import { loadHubConfig } from './config.ts';
import { buildService } from './service.ts';

const config = loadHubConfig();
await runService({ name: 'machine-hub', config, port: config.MACHINE_HUB_PORT, build: buildService });
