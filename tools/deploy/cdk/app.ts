/**
 * The CDK app (deploy/cdk/cdk.json runs it): `pnpm deploy:synth` writes the CloudFormation to
 * deploy/cdk/cdk.out without touching AWS. Context: `natsUrl`, `certificateArn` (optional).
 */
import { App } from 'aws-cdk-lib';
import { loadDeployedServices } from '../deployed-services.ts';
import { defaultNatsUrl } from './container-settings.ts';
import { PlatformStack } from './platform-stack.ts';

const app = new App();
new PlatformStack(app, 'NxgPlatform', {
  services: await loadDeployedServices(),
  natsUrl: (app.node.tryGetContext('natsUrl') as string | undefined) ?? defaultNatsUrl,
  certificateArn: app.node.tryGetContext('certificateArn') as string | undefined,
  description: 'NXG Connect: every service of the manifest on ECS Fargate',
});
app.synth();
