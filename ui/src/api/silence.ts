// Endpoints whose errors their screens show themselves (on form fields, in a banner) rather than
// as a global notification. Session handling (401 → refresh or /login) still applies to them.
import { quarryApi } from './generated';

export type EndpointName = keyof typeof quarryApi.endpoints;

export function silenceEndpoints(names: readonly EndpointName[]): void {
  const endpoints = Object.fromEntries(names.map((name) => [name, { extraOptions: { silent: true } }]));
  quarryApi.enhanceEndpoints({ endpoints: endpoints as never });
}
