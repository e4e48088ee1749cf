export { GithubSimulator } from './simulator';
export type { FaultInjection, SimulatorInstallation, SimulatorStats } from './simulator';
export type { SimulatorOptions } from './options';
export { SimulatorState } from './state';
export type * from './state';
