// The CTI call-control commands (ipecs-webapi.md §7.6, §7.6.0 table, §7.6.37 fixtures, §10.1 items 26-29, A-3,
// A-27-A-30, A-32-A-35, A-48): every command as ONE row `METHOD path` → handler over the simulated world, with the
// spec's errors (403 state/operation, 404 unknown device/call, names and codes of §9.3), the documented events in
// the documented order (most after the answer; agent logon/logoff/state and Set Mute before it), and the
// `transactionID` echo. Parameters come from the query string, `q=` or the JSON body.

import { forbid } from './errors.js';
import { CAUSE, DIGITS, int, str, type Call, type ConfGroup, type CtiWorld, type Device, type Ev, type Leg, type Params, type Room } from './cti-world.js';
import { requestParams, type ApiAnswer, type ApiRequestRecord } from './http.js';
import type { Subscriptions } from './monitor-presence.js';

/** A handler: the `data` of the answer. Events go to `out`; `first` ones are sent before the answer. */
type Handler = (w: CtiWorld, p: Params, out: { events: Ev[]; first: boolean }) => Record<string, unknown>;

// ---- rules shared by several commands ------------------------------------------------------------------------

const conn = (w: CtiWorld, c: Call, dn: string, to: string, cause: number, causeMsg: string, out: Ev[]): void => {
  out.push(w.ev('connected', dn, { callingDN: c.caller, calledDN: to, causeCode: cause, causeMsg, callRefID: c.ref }));
};
const agentEvent = (w: CtiWorld, d: Device, type: string): Ev =>
  w.ev(type, d.dn, {
    primaryAgentId: d.agent?.primary === undefined ? '' : d.agent.agentId, primaryAcdGroup: d.agent?.primary ?? '',
    secondaryAgentId: d.agent?.secondary === undefined ? '' : d.agent.agentId, secondaryAcdGroup: d.agent?.secondary ?? '',
  });
const check = (ok: boolean, name = 'invalidParameterValue'): void => {
  if (!ok) throw forbid(name);
};
/** A new destination for a call (reroute, single-step transfer): a number, not a party; an internal one registered. */
const redirect = (w: CtiWorld, c: Call, from: string, v: unknown): [string, Device | undefined] => {
  const to = str(v);
  check(DIGITS.test(to) && to !== from && !c.legs.has(to), 'invalidDestination');
  const target = w.devices.get(to);
  check(target === undefined || target.registered, 'invalidDestinationDeviceObject');
  return [to, target];
};
/** The conference group of `groupIndex`, commanded by its master only (§7.6.32-34). */
const group = (w: CtiWorld, p: Params, master: string): ConfGroup => {
  const g = w.groups.get(int(p['groupIndex']));
  if (g === undefined) throw forbid('generic');
  check(g.master === master, 'InvalidOperation');
  return g;
};
const member = (g: ConfGroup, p: Params): { dn: string; muted: boolean } => {
  const m = g.members.get(int(p['memberIndex']));
  if (m === undefined) throw forbid('invalidParameterValue');
  return m;
};
const groupEvent = (g: ConfGroup, index: number, dn: string, state: string): Ev =>
  ({ route: g.master, data: { type: 'confgroupmember', groupIndex: g.index, groupUsage: 'true', memberIndex: index, memberDN: dn, memberState: state } });
/** Forward and DND act on `DN` when given (another station), on `deviceNumber` otherwise; both must exist. */
const subject = (w: CtiWorld, p: Params): Device => {
  w.device(p['deviceNumber']);
  return w.device(p['DN'] ?? p['deviceNumber']);
};
/** A conference room by index (1~9: "Conference Room Expansion" off, §7.6.35-36). */
const room = (w: CtiWorld, p: Params): [number, Room] => {
  const i = int(p['roomIndex']);
  check(Number.isInteger(i) && i >= 1 && i <= 9);
  let r = w.rooms.get(i);
  if (r === undefined) {
    r = { usage: false, pwd: '', members: [] };
    w.rooms.set(i, r);
  }
  return [i, r];
};

// ---- the table (§7.6.0) ----------------------------------------------------------------------------------------

/** Every command: `METHOD path` → handler. */
const COMMANDS: Readonly<Record<string, Handler>> = {
  'POST make': (w, p, out) => {
    if (p['calledDN'] === undefined && p['startIndex'] !== undefined) return w.terminals(p);
    return { callRefID: w.startCall(w.device(p['deviceNumber']), str(p['calledDN']), out.events).ref };
  },
  'POST terminals': (w, p) => w.terminals(p), // A-3 alias
  'POST answer': (w, p, out) => {
    const d = w.device(p['deviceNumber']);
    const c = w.call(p['callRefID']);
    w.leg(c, d.dn, ['ringing'], 'noCallToAnswer').state = 'connected';
    c.answeredAt = w.now();
    conn(w, c, d.dn, d.dn, CAUSE.new_call, 'new_call', out.events);
    for (const o of w.others(c, d.dn)) {
      const l = c.legs.get(o);
      if (l?.state === 'alerting') l.state = 'connected';
      conn(w, c, o, d.dn, CAUSE.new_call, 'new_call', out.events);
    }
    return {};
  },
  'POST clear_connection': (w, p, out) => {
    const d = w.device(p['deviceNumber']);
    const c = w.call(p['callRefID']);
    const l = w.leg(c, d.dn, ['alerting', 'ringing', 'connected', 'hold', 'fail'], 'noConnectionToClear');
    const reject = l.state === 'ringing';
    w.release(c, d.dn, reject ? CAUSE.reject : CAUSE.normal_clearing, reject ? 'reject' : 'normal_clearing', out.events);
    return {};
  },
  'POST reroute': (w, p, out) => {
    const d = w.device(p['deviceNumber'], 'invalidDivertingDeviceIdentifier');
    const c = w.call(p['callRefID']);
    w.leg(c, d.dn, ['ringing', 'connected'], 'invalidDivertingDeviceIdentifier');
    const [to, target] = redirect(w, c, d.dn, p['divertToDN']);
    const fields = { calledDN: to, reroutingDN: d.dn, causeCode: CAUSE.reroute, causeMsg: 'reroute', callRefID: c.ref };
    out.events.push(w.ev('rerouting', d.dn, fields));
    w.leave(c, d.dn, CAUSE.reroute, 'reroute', out.events);
    c.called = to;
    if (target === undefined) {
      c.external = to;
      for (const o of c.legs.keys()) conn(w, c, o, to, CAUSE.reroute, 'reroute', out.events);
    } else {
      c.legs.set(to, { state: 'ringing' });
      out.events.push(w.ev('ringing', to, { callingDN: c.caller, calledDN: to, diversionNum: d.dn, callType: 'transfer', causeCode: CAUSE.redirected, causeMsg: 'redirected', callRefID: c.ref }));
    }
    return {};
  },
  'POST hold': (w, p, out) => {
    const d = w.device(p['deviceNumber']);
    w.hold(w.call(p['callRefID']), d.dn, out.events);
    return {};
  },
  'POST retrieve': (w, p, out) => {
    const d = w.device(p['deviceNumber']);
    const c = w.call(p['callRefID']);
    w.leg(c, d.dn, ['hold'], 'NoHeldCall').state = 'connected';
    out.events.push(w.ev('retrieve', d.dn, { retrieveDN: d.dn, callRefID: c.ref }));
    for (const o of w.others(c, d.dn)) out.events.push(w.ev('retrieved', o, { retrieveDN: d.dn, callRefID: c.ref }));
    return {};
  },
  'POST consultation': (w, p, out) => {
    const d = w.device(p['deviceNumber']);
    const c = w.call(p['callRefID']);
    check(p['svcType'] === 'transfer' || p['svcType'] === 'conference');
    const to = str(p['calledDN']);
    check(DIGITS.test(to) && !c.legs.has(to), 'invalidDestination');
    w.hold(c, d.dn, out.events);
    return { callRefID: w.startCall(d, to, out.events).ref };
  },
  'POST transfer': (w, p, out) => {
    const d = w.device(p['deviceNumber']);
    const { held, active } = w.pair(d.dn, p['callRefID'], 'invalidDestination');
    const a = w.others(held, d.dn)[0] ?? held.external ?? '';
    const to = w.others(active, d.dn)[0] ?? active.external ?? '';
    const screened = active.legs.get(to)?.state === 'connected' || active.external !== undefined;
    const fields = { transferToDN: to, transferorDN: d.dn, callRefID: held.ref };
    out.events.push(w.ev('transferring', d.dn, { transferedDN: a, ...fields, callType: screened ? 'screened' : 'unscreened' }));
    for (const o of [...w.others(held, d.dn), ...w.others(active, d.dn)]) out.events.push(w.ev('transferred', o, fields));
    // The held call's callRefID is kept (§7.6.9): the active call's far end moves into it.
    for (const [dn, leg] of active.legs) if (dn !== d.dn) held.legs.set(dn, leg);
    held.external ??= active.external;
    held.answeredAt ??= w.now();
    w.calls.delete(active.ref);
    const cause = screened ? CAUSE.screened_transfer : CAUSE.unscreened_transfer;
    w.leave(held, d.dn, cause, screened ? 'screened_transfer' : 'unscreened_transfer', out.events);
    return { callRefID: held.ref };
  },
  'POST 1step_transfer': (w, p, out) => {
    const d = w.device(p['deviceNumber']);
    const c = w.call(p['callRefID']);
    w.leg(c, d.dn, ['connected', 'hold'], 'invalidConnectionState');
    const [to, target] = redirect(w, c, d.dn, p['transferDN']);
    const a = w.others(c, d.dn)[0] ?? c.external ?? '';
    const fields = { transferToDN: to, transferorDN: d.dn, callRefID: c.ref };
    out.events.push(w.ev('transferring', d.dn, { transferedDN: a, ...fields, callType: 'blind' }));
    for (const o of w.others(c, d.dn)) out.events.push(w.ev('transferred', o, fields));
    w.leave(c, d.dn, CAUSE.blind_transfer, 'blind_transfer', out.events);
    if (target === undefined) c.external = to;
    else {
      c.legs.set(to, { state: 'ringing' });
      out.events.push(w.ev('ringing', to, { callingDN: a, calledDN: to, callType: 'transfer', causeCode: CAUSE.blind_transfer, causeMsg: 'blind_transfer', callRefID: c.ref }));
    }
    return { callRefID: c.ref };
  },
  'POST dial_digit': (w, p) => {
    const d = w.device(p['deviceNumber']);
    w.leg(w.call(p['callRefID']), d.dn, ['connected'], 'invalidConnectionState');
    check(/^[0-9*#]+$/.test(str(p['dialDigit'])));
    return {};
  },
  'POST reconnect': (w, p, out) => {
    const d = w.device(p['deviceNumber']);
    const { held, active } = w.pair(d.dn, p['callRefID'], 'invalidConnectionState');
    w.release(active, d.dn, CAUSE.normal_clearing, 'normal_clearing', out.events);
    (held.legs.get(d.dn) ?? { state: 'connected' }).state = 'connected';
    conn(w, held, d.dn, held.called, CAUSE.normal_clearing, 'normal_clearing', out.events);
    for (const o of w.others(held, d.dn)) out.events.push(w.ev('retrieved', o, { retrieveDN: d.dn, callRefID: held.ref }));
    return {};
  },
  'POST forward': (w, p, out) => {
    const d = subject(w, p);
    const type = str(p['cfwdType']);
    check(['disable', 'uncondition', 'busy', 'no_answer', 'busy_noans', 'DND'].includes(type));
    const dest = str(p['destNumber']);
    check(type === 'disable' || (DIGITS.test(dest) && dest !== d.dn), 'invalidForwardingDestination');
    d.fwd = { type, dest: type === 'disable' ? '' : dest };
    out.events.push(w.ev('forwarding', d.dn, { destination: d.fwd.dest, svcType: type }));
    return {};
  },
  'GET forward': (w, p) => {
    const d = subject(w, p);
    return { cfwdType: d.fwd.type, destNumber: d.fwd.dest, ringTime: 10 };
  },
  'POST dnd': (w, p, out) => {
    const d = subject(w, p);
    check(p['svcType'] === 'enable' || p['svcType'] === 'disable');
    d.dnd = p['svcType'] === 'enable';
    out.events.push(w.ev('dnd', d.dn, { svcType: d.dnd ? 'enable' : 'disable' }));
    return {};
  },
  'GET dnd': (w, p) => {
    return { svcType: w.dndOf(subject(w, p)) ? 'enable' : 'disable' };
  },
  'POST pickup': (w, p, out) => {
    w.device(p['deviceNumber']);
    const picker = w.device(p['callingDN']);
    check(w.legsOf(picker.dn, ['alerting', 'ringing', 'connected', 'hold', 'fail']).length === 0, 'invalidConnectionState');
    const type = str(p['pickupType']);
    check(type === 'direct_pickup' || type === 'group_pickup');
    let c: Call | undefined;
    let picked: string;
    if (type === 'direct_pickup') {
      picked = w.device(p['pickedDN'], 'invalidDestination').dn;
      c = w.legsOf(picked, ['ringing'])[0];
    } else {
      c = [...w.calls.values()].find((x) => [...x.legs.values()].some((l) => l.state === 'ringing'));
      picked = [...(c?.legs ?? new Map<string, Leg>())].find(([, l]) => l.state === 'ringing')?.[0] ?? '';
    }
    if (c === undefined) throw forbid('generic');
    c.legs.delete(picked);
    out.events.push(w.ev('released', picked, { releasedDN: picker.dn, causeCode: CAUSE.pickup, causeMsg: 'pickup', callRefID: c.ref }));
    c.legs.set(picker.dn, { state: 'connected' });
    c.answeredAt = w.now();
    for (const [dn, l] of c.legs) {
      l.state = l.state === 'alerting' ? 'connected' : l.state;
      conn(w, c, dn, picker.dn, CAUSE.pickup, 'pickup', out.events);
    }
    return {};
  },
  'POST conference': (w, p, out) => {
    const d = w.device(p['deviceNumber']);
    const { held, active } = w.pair(d.dn, p['callRefID'], 'invalidConnectionState');
    const added = w.others(active, d.dn)[0] ?? active.external ?? '';
    for (const [dn, leg] of active.legs) if (dn !== d.dn) held.legs.set(dn, leg);
    held.external ??= active.external;
    w.calls.delete(active.ref);
    (held.legs.get(d.dn) ?? { state: 'connected' }).state = 'connected';
    const members = [...held.legs.keys()];
    out.events.push(w.ev('conferencing', d.dn, { memberDN: members, newConfMemberDN: added, callRefID: held.ref }));
    for (const o of w.others(held, d.dn)) out.events.push(w.ev('conferenced', o, { memberDN: members, masterDN: d.dn, newConfMemberDN: added, callRefID: held.ref }));
    return { callRefID: held.ref };
  },
  'POST busy_service': (w, p, out) => {
    const d = w.device(p['deviceNumber']);
    const c = w.call(p['callRefID']);
    const l = w.leg(c, d.dn, ['fail'], 'InvalidState');
    const type = str(p['type']);
    check(['intrude', 'callback', 'campon', 'callwait'].includes(type));
    const target = w.device(c.called, 'invalidDestination');
    if (type === 'callback') {
      d.callback = target.dn;
      w.release(c, d.dn, CAUSE.call_back, 'call_back', out.events);
      return { callRefID: c.ref };
    }
    if (type === 'intrude') {
      const busy = w.legsOf(target.dn, ['connected'])[0];
      if (busy === undefined) throw forbid('InvalidState');
      w.calls.delete(c.ref);
      busy.legs.set(d.dn, { state: 'connected' });
      const members = [...busy.legs.keys()];
      for (const dn of members) out.events.push(w.ev('conferenced', dn, { memberDN: members, masterDN: target.dn, newConfMemberDN: d.dn, callRefID: busy.ref }));
      return { callRefID: busy.ref };
    }
    check(target.registered && !target.dnd, 'InvalidState');
    l.state = 'alerting';
    c.legs.set(target.dn, { state: 'ringing' });
    out.events.push(w.ev('ringing', target.dn, { callingDN: d.dn, calledDN: target.dn, causeCode: CAUSE.callwait, causeMsg: 'callwait', callRefID: c.ref }));
    return { callRefID: c.ref };
  },
  'POST call_back': (w, p) => {
    const d = w.device(p['deviceNumber']);
    check(str(p['svcType']) === 'false');
    check(d.callback !== undefined, 'InvalidState');
    d.callback = undefined;
    return {};
  },
  'GET status': (w, p) => ({ state: w.presenceOf(w.device(p['deviceNumber'])) }),
  'POST park': (w, p, out) => {
    const d = w.device(p['deviceNumber']);
    const c = w.call(p['callRefID']);
    w.leg(c, d.dn, ['connected', 'hold'], 'generic');
    let loc = 1;
    while (w.parked.has(loc)) loc++;
    w.parked.set(loc, c.ref);
    w.leave(c, d.dn, CAUSE.normal_clearing, 'normal_clearing', out.events);
    return { parkingLoc: loc };
  },
  'POST unpark': (w, p, out) => {
    w.device(p['deviceNumber']);
    const picker = w.device(p['callingDN'], 'invalidDestination');
    const ref = w.parked.get(int(p['parkingLoc']));
    const c = ref === undefined ? undefined : w.calls.get(ref);
    if (c === undefined) throw forbid('generic');
    check(w.legsOf(picker.dn, ['alerting', 'ringing', 'connected', 'fail']).length === 0, 'generic');
    w.parked.delete(int(p['parkingLoc']));
    c.legs.set(picker.dn, { state: 'connected' });
    conn(w, c, picker.dn, picker.dn, CAUSE.normal_clearing, 'normal_clearing', out.events);
    return {};
  },
  'GET mwi': (w, p) => {
    const m = w.device(p['deviceNumber']).mwi;
    return { msgStatus: m.newMsg + m.newUrgentMsg > 0 ? 'true' : 'false', ...m };
  },
  'POST flexpage': (w, p) => {
    const i = int(p['page_index']);
    check(Number.isInteger(i) && i >= 1 && i <= 4); // the four example entries of the Flexible Page menu
    w.device(p['service_num'], 'invalidDestination');
    return {};
  },
  'POST agent_logon': (w, p, out) => {
    const d = w.device(p['deviceNumber']);
    const agentId = str(p['agentId']);
    const prio = int(p['loginPriority']);
    check(/^\d{4}$/.test(agentId) && /^\d+$/.test(str(p['groupNumber'])) && prio >= 0 && prio <= 9);
    const slot = p['loginPrimary'] === 'secondary' ? 'secondary' : 'primary';
    const taken = [...w.devices.values()].some((x) => x.agent?.agentId === agentId && x.agent[slot] !== undefined);
    check(!taken && d.agent?.[slot] === undefined, 'InvalidState');
    d.agent = { ...(d.agent ?? {}), agentId, [slot]: str(p['groupNumber']) };
    out.first = true; // §7.6.27: the event comes before the answer
    out.events.push(agentEvent(w, d, 'agent_logon'));
    return {};
  },
  'POST agent_logoff': (w, p, out) => {
    const d = w.device(p['deviceNumber']);
    const slot = p['loginPrimary'] === 'secondary' ? 'secondary' : 'primary';
    check(d.agent?.agentId === str(p['agentId']) && d.agent[slot] === str(p['groupNumber']), 'InvalidState');
    out.first = true;
    out.events.push(agentEvent(w, d, 'agent_logoff'));
    const rest = { agentId: str(p['agentId']), ...d.agent, [slot]: undefined };
    d.agent = rest.primary === undefined && rest.secondary === undefined ? undefined : rest;
    return {};
  },
  'POST agent_state': (w, p, out) => {
    const d = w.device(p['deviceNumber']);
    check(d.agent?.agentId === str(p['agentId']), 'InvalidState');
    check(['dutyOn', 'dutyOff'].includes(str(p['agentState'])) && /^[0-9*#]$/.test(str(p['reasonCode'])));
    out.first = true;
    out.events.push(agentEvent(w, d, p['agentState'] === 'dutyOn' ? 'agent_ready' : 'agent_notready'));
    return {};
  },
  'POST confgroup': (w, p, out) => {
    const d = w.device(p['deviceNumber']);
    const i = int(p['groupIndex']);
    check((i >= 1 && i <= 265) || i === 999);
    if (i === 999) {
      const mine = [...w.groups.values()].find((g) => g.master === d.dn);
      if (mine === undefined) throw forbid('generic');
      w.groups.delete(mine.index);
      return {};
    }
    check(!w.groups.has(i) && ![...w.groups.values()].some((g) => g.master === d.dn), 'InvalidState');
    w.groups.set(i, { index: i, master: d.dn, members: new Map() });
    const ref = w.newRef();
    const f = { callingDN: d.dn, calledDN: String(i), causeCode: CAUSE.group_call, causeMsg: 'group_call', callRefID: ref };
    out.events.push(w.ev('proceeding', d.dn, { dialDigit: String(i), callRefID: ref }), w.ev('alerting', d.dn, f), w.ev('connected', d.dn, f));
    return {};
  },
  'POST confgroup_callee': (w, p, out) => {
    const d = w.device(p['deviceNumber']);
    const g = group(w, p, d.dn);
    const index = int(p['memberIndex']);
    const dn = str(p['memberDN']);
    check(index > 0 && !g.members.has(index) && DIGITS.test(dn) && ['station', 'co', 'net'].includes(str(p['memberType'])));
    g.members.set(index, { dn, muted: false });
    out.events.push(groupEvent(g, index, dn, 'busy'));
    return {};
  },
  'DELETE confgroup_callee': (w, p, out) => {
    const d = w.device(p['deviceNumber']);
    const g = group(w, p, d.dn);
    const m = member(g, p);
    g.members.delete(int(p['memberIndex']));
    out.events.push(groupEvent(g, int(p['memberIndex']), m.dn, 'idle'));
    return {};
  },
  'POST confgroup_mutecallee': (w, p, out) => {
    const d = w.device(p['deviceNumber']);
    const g = group(w, p, d.dn);
    const m = member(g, p);
    check(p['svcType'] === 'on' || p['svcType'] === 'off');
    m.muted = p['svcType'] === 'on';
    out.first = true; // §7.6.34: the SetMuteOn event comes before the answer
    out.events.push(w.ev('muteon', d.dn, { groupIndex: g.index, memberIndex: int(p['memberIndex']), muteOn: String(m.muted) }));
    return {};
  },
  'GET confroom': (w, p) => {
    w.device(p['deviceNumber']);
    const [i, r] = room(w, p);
    return { roomIndex: i, roomUsage: String(r.usage), memberCount: r.members.length, member: r.members };
  },
  'POST confroom': (w, p, out) => {
    const d = w.device(p['deviceNumber']);
    const [i, r] = room(w, p);
    const open = str(p['roomUsage']) === 'true';
    check(['true', 'false'].includes(str(p['roomUsage'])));
    if (!open) check(!r.usage || r.pwd === str(p['roomPwd']), 'InvalidPassword');
    r.usage = open;
    r.pwd = open ? str(p['roomPwd']) : '';
    r.members = open ? [d.dn] : [];
    out.events.push(w.ev('confroommember', d.dn, { roomIndex: i, roomUsage: String(open), memberCount: r.members.length, member: r.members }));
    return {};
  },
};

/** True when `METHOD feature` is a call-control command of the table. */
export function isCommand(method: string, feature: string): boolean {
  return Object.hasOwn(COMMANDS, `${method} ${feature}`);
}

/** The `METHOD path` of every command (for the route table and tests). */
export const COMMAND_ROUTES: readonly string[] = Object.keys(COMMANDS);

/**
 * Runs one command for a session: the answer `{"data":{…}}` with `transactionID` echoed at the top level and
 * inside `data`, and the command's events sent before or after it.
 */
export function runCommand(world: CtiWorld, subs: Subscriptions, method: string, feature: string, record: ApiRequestRecord): ApiAnswer {
  const handler = COMMANDS[`${method} ${feature}`];
  if (handler === undefined) throw new Error(`no CTI command ${method} ${feature}`);
  const p = requestParams(record);
  const before = subs.presenceSnapshot();
  const out = { events: [] as Ev[], first: false };
  const data = handler(world, p, out);
  const tid = p['transactionID'];
  const body: Record<string, unknown> = { data: tid === undefined ? data : { ...data, transactionID: tid } };
  if (tid !== undefined) body['transactionID'] = tid; // echoed at the top level and inside data
  const send = (): void => { subs.publish(out.events, before); };
  if (out.first) {
    send();
    return { status: 200, body };
  }
  return { status: 200, body, after: send };
}
