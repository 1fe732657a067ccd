import { runService } from '@nxg/platform';
import { loadGatewayConfig } from './config.ts';
import { buildService } from './service.ts';

const config = loadGatewayConfig();
await runService({ name: 'gateway', config, port: config.GATEWAY_PORT, build: buildService });
