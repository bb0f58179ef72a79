import { defineScenario } from '../harness/run/scenario.ts';

export default defineScenario({
  name: 'cut-before-first-event',
  description:
    'Clients lose their connection right after opening it, before any event arrived (an app opened in a lift, ' +
    'a network switch at start-up). Events published while they are away must be replayed when they return: the ' +
    'server must have given every new stream a resume point.',
  // Nothing is published for the first second: the fleet is cut before it ever saw an event.
  workload: { ratePerSec: 40, durationMs: 4000, pauses: [{ at: 0, duration: 1000 }] },
  faults: [{ at: 300, duration: 1200, action: 'cut', leg: 'edge', params: { mode: 'disable' } }],
});
