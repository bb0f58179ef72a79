export { defineFault, type FaultDefinition, type FaultContext, type Undo } from './fault.ts';
export { faultRegistry, faultNames, getFault } from './registry.ts';
export { startNemesis, type FaultStep, type Nemesis, type NemesisOptions } from './nemesis.ts';
export { toxiproxyApi, type ToxiproxyApi, type ToxicBody } from './toxiproxy-api.ts';
