import { runService } from '@nxg/platform';
import service from './service.ts';

await runService(service);
