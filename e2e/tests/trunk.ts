// Shared by the config (which starts the server with these) and call.spec.ts (which starts SIPp).

/** Where SIPp plays the SIP trunk; its RTP uses the ports just above. */
export const sipPort = Number(process.env.E2E_SIP_PORT ?? 3918);

/** The demo issuer's password in the browser tests (CALLCARD_DEMO_PASSWORD). */
export const DEMO_PASSWORD = 'e2e-demo-password';
