// Realistic ACD frames for the bench: a contact-centre day compressed. 60 agents log in, then inbound calls (ring,
// queue, station ring, answer, busy, sometimes hold, disconnect, CO idle, wrap-up) interleave with outbound calls,
// abandons, TIME & DATE and voice-info events. Plain text, no client code: the emulator process sends the same
// frames the in-process bench feeds to the pipeline.

const AGENTS = 60;
const TRUNKS = 40;
function pad2(n: number): string {
  return n < 10 ? `0${String(n)}` : String(n);
}

function frameOf(at: number, code: number, eventString: string, ref: number | '', sType: string, sNum: string, dType: string, dNum: string, d1: string, d2: string): string {
  const secs = Math.floor(at / 1000);
  const time = `2026/11/27 ${pad2(Math.floor(secs / 3600) % 24)}:${pad2(Math.floor(secs / 60) % 60)}:${pad2(secs % 60)}`;
  const json = JSON.stringify({
    event: 'acd',
    data: { time, callRefID: ref === '' ? ' ' : ref, eventCode: code, eventString, sourceType: sType, sourceNumber: sNum, destType: dType, destNumber: dNum === '' ? ' ' : dNum, data1: d1 === '' ? ' ' : d1, data2: d2 === '' ? ' ' : d2 },
  });
  return json;
}

/** A compressed contact-centre day of `target` ACD frames (JSON text); nearly every frame changes a figure. */
export function buildFrameTexts(target: number): string[] {
  const out: string[] = [];
  let at = 0;
  let ref = 1;
  const push = (code: number, name: string, r: number | '', sType: string, sNum: string, dType: string, dNum: string, d1 = '', d2 = ''): void => {
    at += 7;
    out.push(frameOf(at, code, name, r, sType, sNum, dType, dNum, d1, d2));
  };
  const station = (i: number): string => String(1000 + (i % AGENTS));
  const group = (i: number): string => String(1 + (i % 3));
  for (let i = 0; i < AGENTS; i++) {
    push(84, 'AGENT IN SERVICE', '', 'Station', station(i), '', '');
    push(11, 'AGENT PRIMARY LOGIN', '', 'Station', station(i), '', '', group(i), String(4000 + i));
    if (i % 4 === 0) push(25, 'AGENT SECONDARY LOGIN', '', 'Station', station(i), '', '', group(i + 1), String(4000 + i));
  }
  let n = 0;
  while (out.length < target) {
    n++;
    const st = station(n * 7);
    const co = String(1 + (n % TRUNKS));
    const r = ref++;
    if (ref > 65_000) ref = 1; // callRefIds are reused, as on a PBX
    if (n % 5 === 4) {
      // outbound
      push(17, 'STATION BUSY', r, 'Station', st, 'CO', co);
      push(41, 'SEIZE STATION/CO', r, 'Station', st, 'CO', co);
      push(1, 'CO BUSY', r, 'CO', co, 'Station', st);
      push(67, 'NUMBER DIALED', r, 'Station', st, 'CO', co, '', '0123456789');
      push(42, 'SEIZE ACK/CONNECT/ANSWER', r, 'Station', st, 'CO', co);
      push(73, 'CONNECT TX VOICE INFO', r, 'Station', st, 'CO', co, '1a2b', '3c4d');
      push(44, 'DISCONNECT', r, 'Station', st, 'CO', co, '0');
      push(2, 'CO IDLE', '', 'CO', co, '', '');
      push(18, 'STATION IDLE', '', 'Station', st, '', '');
      push(69, 'SMDR', r, 'Station', st, 'CO', co, '000212', '0123456789');
    } else if (n % 11 === 3) {
      // abandoned in the queue
      push(3, 'CO IN RING', r, 'CO', co, '', '', group(n), '5');
      push(62, 'UCD QUE HOLD TO', r, 'CO', co, '', '', group(n));
      push(72, 'INCOMMING CALLER INFO', r, 'CO', co, 'Station', st, '0612345678', 'CALLER');
      push(2, 'CO IDLE', '', 'CO', co, '', '');
    } else {
      // inbound, answered
      push(3, 'CO IN RING', r, 'CO', co, '', '', group(n), '5');
      push(62, 'UCD QUE HOLD TO', r, 'CO', co, '', '', group(n));
      push(3, 'CO IN RING', r, 'CO', co, 'Station', st, '', '5');
      push(66, 'STATION RING', r, 'Station', st, 'CO', co, group(n), group(n));
      push(42, 'SEIZE ACK/CONNECT/ANSWER', r, 'CO', co, 'Station', st);
      push(17, 'STATION BUSY', r, 'Station', st, 'CO', co);
      if (n % 3 === 0) {
        push(49, 'HOLD', r, 'Station', st, 'CO', co);
        push(42, 'SEIZE ACK/CONNECT/ANSWER', r, 'Station', st, 'CO', co);
      }
      push(74, 'CONNECT RX VOICE INFO', r, 'CO', co, 'Station', st, '5e6f', '7a8b');
      push(44, 'DISCONNECT', r, 'CO', co, 'Station', st, '0');
      push(44, 'DISCONNECT', r, 'Station', st, 'CO', co, '0');
      push(2, 'CO IDLE', '', 'CO', co, '', '');
      push(18, 'STATION IDLE', '', 'Station', st, '', '');
      push(15, 'AGENT UCD WRAP UP START', '', 'Station', st, '', '');
      push(16, 'AGENT UCD WRAP UP END', '', 'Station', st, '', '');
    }
    if (n % 200 === 0) push(68, 'TIME & DATE', '', '', '', '', '', '1127', '26');
    if (n % 97 === 0) {
      push(13, 'AGENT UCD UNAVAIL', '', 'Station', st, '', '', '3', group(n));
      push(14, 'AGENT UCD AVAIL', '', 'Station', st, '', '', '', group(n));
    }
  }
  return out;
}

