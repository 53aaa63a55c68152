import { DEFAULT_DETECTION_SETTINGS as settings, detectionOf, detectionOfRequest, detectionPattern } from './detection';

describe('answering-machine detection by signalling: the mapping', () => {
  it('reads the usual header values of SBCs and carriers', () => {
    expect(detectionOf('Result=machine', settings)).toBe('machine');
    expect(detectionOf('machine', settings)).toBe('machine');
    expect(detectionOf('machine_end_beep', settings)).toBe('machine');
    expect(detectionOf('answering-machine', settings)).toBe('machine');
    expect(detectionOf('fax', settings)).toBe('machine');
    expect(detectionOf('Result=human', settings)).toBe('human');
    expect(detectionOf('LIVE', settings)).toBe('human');
    expect(detectionOf('unknown', settings)).toBe('unknown');
    expect(detectionOf('Result=silence', settings)).toBe('unknown');
  });

  it('finds no result in a request for detection, an empty value or an unrelated word', () => {
    expect(detectionOf('Request=AMD', settings)).toBeNull();
    expect(detectionOf('', settings)).toBeNull();
    expect(detectionOf(undefined, settings)).toBeNull();
    // Whole words only: a word that merely contains "live" says nothing.
    expect(detectionOf('delivered', settings)).toBeNull();
  });

  it("reads an INFO's header first, else its body (AudioCodes' application/x-detect)", () => {
    expect(detectionOfRequest('Response=AMD', 'Type= AMD\r\nSubType= Machine\r\n', settings)).toBe('machine');
    expect(detectionOfRequest(undefined, 'Type= AMD\r\nSubType= Human\r\nConfidence= 80\r\n', settings)).toBe('human');
    expect(detectionOfRequest('Result=human', 'SubType= Machine', settings)).toBe('human');
    expect(detectionOfRequest(undefined, '', settings)).toBeNull();
  });

  it('follows the configured patterns (machine first)', () => {
    const custom = {
      ...settings,
      machine: detectionPattern('^AM$'),
      human: detectionPattern('^PERSON$'),
      unknown: detectionPattern('^NOTSURE$'),
    };
    expect(detectionOf('am', custom)).toBe('machine');
    expect(detectionOf('person', custom)).toBe('human');
    expect(detectionOf('notsure', custom)).toBe('unknown');
    expect(detectionOf('machine', custom)).toBeNull();
  });
});
