export { GithubSimulator, MUTATION_NAMES } from './simulator';
/** The site admin: every organization's first member and every generated repository's admin collaborator. */
export { ADMIN_LOGIN as SIMULATOR_ADMIN_LOGIN } from './generator';
export type { MutationName } from './simulator';
export type { DeliveryRecord, WebhookTarget } from './webhooks/deliverer';
export type { PushResult } from './mutations';
export { WebhookReceiver } from './webhooks/receiver';
export type { ReceivedWebhook } from './webhooks/receiver';
export type { FaultAnswer, FaultInjection, SimulatorInstallation, SimulatorStats } from './simulator';
export type { GraphqlFault } from './graphql/faults';
export type { SimulatorOptions } from './options';
export { SimulatorState } from './state';
export type * from './state';
export { linkExternalGroup, setSamlIdentity } from './identity-providers';
export type { ExternalGroup } from './identity-providers';
