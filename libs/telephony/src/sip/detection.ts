import type { DetectionResult } from '../telephony.port';

/**
 * Answering-machine detection by signalling: AutoCall has no media engine, so an SBC or carrier in
 * front of it detects machines and says so in SIP, either in a header of the 200 OK (AudioCodes'
 * `X-Detect`, or a header Kamailio adds from a carrier's result) or in the body (or that header) of
 * an INFO or NOTIFY it sends in the dialog once detection is done (2–4 s after the answer).
 *
 * The mapping from that text to `human` / `machine` / `unknown` is configurable: three regular
 * expressions, tried in the order machine, human, unknown (first match wins); text none of them
 * matches says nothing (e.g. AudioCodes' `X-Detect: Request=AMD` echo).
 */
export interface DetectionSettings {
  /** The header that carries the result (case-insensitive), on the 200 OK or on an INFO/NOTIFY. */
  header: string;
  machine: RegExp;
  human: RegExp;
  unknown: RegExp;
  /**
   * The 200 OK carries no result: one follows in an INFO or NOTIFY (the answer is `pending` until
   * then). False: an answer without a result is a person's (no detection on this trunk).
   */
  resultAfterAnswer: boolean;
}

export const DEFAULT_DETECTION_SETTINGS: DetectionSettings = {
  header: 'X-Detect',
  // Twilio's machine_start / machine_end_*, Bandwidth's answering-machine, AudioCodes' SubType=Machine, fax.
  machine: /\b(?:machine\w*|answering[-_ ]?machine|fax)\b/i,
  human: /\b(?:human\w*|person|live)\b/i,
  unknown: /\b(?:unknown|silence|timeout|not[-_ ]?sure)\b/i,
  resultAfterAnswer: false,
};

/** The result a header value or a message body says, or null when it says none. */
export function detectionOf(text: string | null | undefined, settings: DetectionSettings): DetectionResult | null {
  if (!text) return null;
  if (settings.machine.test(text)) return 'machine';
  if (settings.human.test(text)) return 'human';
  if (settings.unknown.test(text)) return 'unknown';
  return null;
}

/**
 * The result an in-dialog INFO or NOTIFY carries: in the configured header, else in its body
 * (AudioCodes: `Content-Type: application/x-detect`, body `Type=AMD` / `SubType=Machine`).
 */
export function detectionOfRequest(
  headerValue: string | null | undefined,
  body: string,
  settings: DetectionSettings,
): DetectionResult | null {
  return detectionOf(headerValue, settings) ?? detectionOf(body, settings);
}

/** Reads a pattern setting: a regular expression source, matched case-insensitively. */
export function detectionPattern(source: string): RegExp {
  return new RegExp(source, 'i');
}
