// The ACD event catalogue of the iPECS Web API (ipecs-webapi.md §6.3, spec tables 3/4, p. 22-34).
// One source of truth for the decoders, the logs and the emulator. Generated once from the spec table and
// kept by hand since; the eventString column keeps the spec's spelling, typos included, because it is what the
// PBX sends.

/** How the spec's table types a party: which kind of number the source or destination holds. */
export type PartyKind = 'station' | 'co' | 'either' | 'none';

/** How the spec's table types `callRefID` for a code. */
export type CallRefKind = 'number' | 'number-or-blank' | 'n/a';

/** Whether the PBX sends the code: `not-implemented` and `define-only` codes are marked so in the spec. */
export type CodeStatus = 'live' | 'not-implemented' | 'define-only';

/** One row of the ACD event-code table. */
export interface AcdCodeInfo {
  /** The numeric event code (the wire's `eventCode`). */
  readonly code: number;
  /** The exact `eventString` the PBX sends, as printed in the spec. */
  readonly eventString: string;
  /** A short, stable, upper-snake name for logs and code. */
  readonly name: string;
  readonly callRef: CallRefKind;
  /** What kind of number `sourceNumber` holds; `either` means `sourceType` decides. */
  readonly source: PartyKind;
  /** What kind of number `destNumber` holds; `either` means `destType` decides. */
  readonly dest: PartyKind;
  readonly sourceMeaning: string;
  readonly destMeaning: string;
  readonly data1: string;
  readonly data2: string;
  readonly status: CodeStatus;
}

const rows: readonly AcdCodeInfo[] = [
  { code: 1, eventString: "CO BUSY", name: "CO_BUSY", callRef: "number", source: "co", dest: "either",
    sourceMeaning: "CO", destMeaning: "STATION/CO", data1: "N/A", data2: "N/A", status: "live" },
  { code: 2, eventString: "CO IDLE", name: "CO_IDLE", callRef: "n/a", source: "co", dest: "none",
    sourceMeaning: "CO", destMeaning: "N/A", data1: "N/A", data2: "N/A", status: "live" },
  { code: 3, eventString: "CO IN RING", name: "CO_IN_RING", callRef: "number", source: "co", dest: "station",
    sourceMeaning: "CO", destMeaning: "STATION (when a group is ringing)", data1: "Group Bin Number, or blank (when a group is ringing)", data2: "Type of Ringing (§6.4.1)", status: "live" },
  { code: 11, eventString: "AGENT PRIMARY LOGIN", name: "AGENT_PRIMARY_LOGIN", callRef: "n/a", source: "station", dest: "none",
    sourceMeaning: "STATION", destMeaning: "N/A", data1: "GROUP Bin Number", data2: "User ID (0000–9999)", status: "live" },
  { code: 12, eventString: "AGENT PRIMARY LOGOUT", name: "AGENT_PRIMARY_LOGOUT", callRef: "n/a", source: "station", dest: "none",
    sourceMeaning: "STATION", destMeaning: "N/A", data1: "GROUP Bin Number", data2: "N/A", status: "live" },
  { code: 13, eventString: "AGENT UCD UNAVAIL", name: "AGENT_UCD_UNAVAIL", callRef: "n/a", source: "station", dest: "none",
    sourceMeaning: "STATION", destMeaning: "N/A", data1: "blank or Dialed Digit (1~9, 0→10, *→11, #→12)", data2: "GROUP Bin Number", status: "live" },
  { code: 14, eventString: "AGENT UCD AVAIL", name: "AGENT_UCD_AVAIL", callRef: "n/a", source: "station", dest: "none",
    sourceMeaning: "STATION", destMeaning: "N/A", data1: "blank or Dialed Digit", data2: "GROUP Bin Number", status: "live" },
  { code: 15, eventString: "AGENT UCD WRAP UP START", name: "AGENT_WRAP_UP_START", callRef: "n/a", source: "station", dest: "none",
    sourceMeaning: "STATION", destMeaning: "N/A", data1: "N/A", data2: "N/A", status: "live" },
  { code: 16, eventString: "AGENT UCD WRAP UP END", name: "AGENT_WRAP_UP_END", callRef: "n/a", source: "station", dest: "none",
    sourceMeaning: "STATION", destMeaning: "N/A", data1: "N/A", data2: "N/A", status: "live" },
  { code: 17, eventString: "STATION BUSY", name: "STATION_BUSY", callRef: "number-or-blank", source: "station", dest: "either",
    sourceMeaning: "STATION", destMeaning: "STATION/CO or blank", data1: "blank or Dialed Digit", data2: "N/A", status: "live" },
  { code: 18, eventString: "STATION IDLE", name: "STATION_IDLE", callRef: "n/a", source: "station", dest: "none",
    sourceMeaning: "STATION", destMeaning: "N/A", data1: "N/A", data2: "N/A", status: "live" },
  { code: 19, eventString: "STATION DND ACTIVE", name: "STATION_DND_ACTIVE", callRef: "n/a", source: "station", dest: "none",
    sourceMeaning: "STATION", destMeaning: "N/A", data1: "N/A", data2: "N/A", status: "live" },
  { code: 20, eventString: "STATION DND INACTIVE", name: "STATION_DND_INACTIVE", callRef: "n/a", source: "station", dest: "none",
    sourceMeaning: "STATION", destMeaning: "N/A", data1: "N/A", data2: "N/A", status: "live" },
  { code: 21, eventString: "STATION FORWARD ACTIVE", name: "STATION_FORWARD_ACTIVE", callRef: "n/a", source: "station", dest: "none",
    sourceMeaning: "STATION", destMeaning: "N/A", data1: "Forward Type (§6.4.2)", data2: "N/A", status: "live" },
  { code: 22, eventString: "STATION FORWARD INACTIVE", name: "STATION_FORWARD_INACTIVE", callRef: "n/a", source: "station", dest: "none",
    sourceMeaning: "STATION", destMeaning: "N/A", data1: "N/A", data2: "N/A", status: "live" },
  { code: 23, eventString: "UCD SUPERVISOR LOGIN", name: "SUPERVISOR_LOGIN", callRef: "n/a", source: "station", dest: "none",
    sourceMeaning: "STATION", destMeaning: "N/A", data1: "GROUP Bin Number", data2: "User ID (0000–9999)", status: "live" },
  { code: 24, eventString: "UCD SUOERVISOR LOGOUT", name: "SUPERVISOR_LOGOUT", callRef: "n/a", source: "station", dest: "none",
    sourceMeaning: "STATION", destMeaning: "N/A", data1: "GROUP Bin Number", data2: "N/A", status: "live" },
  { code: 25, eventString: "AGENT SECONDARY LOGIN", name: "AGENT_SECONDARY_LOGIN", callRef: "n/a", source: "station", dest: "none",
    sourceMeaning: "STATION", destMeaning: "N/A", data1: "GROUP Bin Number", data2: "User ID (0000–9999)", status: "live" },
  { code: 26, eventString: "AGENT SECONDARY LOGOUT", name: "AGENT_SECONDARY_LOGOUT", callRef: "n/a", source: "station", dest: "none",
    sourceMeaning: "STATION", destMeaning: "N/A", data1: "GROUP Bin Number", data2: "N/A", status: "live" },
  { code: 41, eventString: "SEIZE STATION/CO", name: "SEIZE", callRef: "number", source: "either", dest: "either",
    sourceMeaning: "STATION/CO", destMeaning: "STATION/CO", data1: "N/A", data2: "N/A", status: "live" },
  { code: 42, eventString: "SEIZE ACK/CONNECT/ANSWER", name: "ANSWER", callRef: "number", source: "either", dest: "either",
    sourceMeaning: "STATION/CO", destMeaning: "STATION/CO", data1: "N/A", data2: "N/A", status: "live" },
  { code: 43, eventString: "SEIZE NAK/ABANDON", name: "ABANDON", callRef: "n/a", source: "either", dest: "either",
    sourceMeaning: "STATION/CO", destMeaning: "STATION/CO", data1: "N/A", data2: "N/A", status: "live" },
  { code: 44, eventString: "DISCONNECT", name: "DISCONNECT", callRef: "number", source: "either", dest: "either",
    sourceMeaning: "STATION/CO", destMeaning: "STATION/CO", data1: "0 normal; 3 dropped out of a conference; 1 = data2 holds the disconnect cause", data2: "N/A, or Disconnect Cause (00~FF) (§6.4.5)", status: "live" },
  { code: 45, eventString: "CONFERENCE ADD", name: "CONFERENCE_ADD", callRef: "number", source: "station", dest: "either",
    sourceMeaning: "STATION", destMeaning: "STATION/CO when adding to a conference, blank otherwise", data1: "Conference Action (§6.4.3)", data2: "N/A", status: "live" },
  { code: 46, eventString: "CONFERENCE PARK", name: "CONFERENCE_PARK", callRef: "number", source: "station", dest: "either",
    sourceMeaning: "STATION", destMeaning: "STATION/CO", data1: "N/A", data2: "N/A", status: "not-implemented" },
  { code: 47, eventString: "EXECUTIVE OVERRIDE", name: "EXECUTIVE_OVERRIDE", callRef: "number", source: "station", dest: "station",
    sourceMeaning: "STATION", destMeaning: "STATION", data1: "N/A", data2: "N/A", status: "not-implemented" },
  { code: 48, eventString: "FORWARD", name: "FORWARD", callRef: "number", source: "station", dest: "either",
    sourceMeaning: "STATION", destMeaning: "STATION/CO", data1: "N/A", data2: "N/A", status: "live" },
  { code: 49, eventString: "HOLD", name: "HOLD", callRef: "number", source: "either", dest: "either",
    sourceMeaning: "STATION/CO", destMeaning: "STATION/CO", data1: "N/A", data2: "N/A", status: "live" },
  { code: 50, eventString: "HOLD RECALL", name: "HOLD_RECALL", callRef: "number", source: "station", dest: "either",
    sourceMeaning: "STATION", destMeaning: "STATION/CO", data1: "blank or 0", data2: "blank or 0", status: "live" },
  { code: 51, eventString: "HUNT GROUP", name: "HUNT_GROUP", callRef: "number", source: "station", dest: "station",
    sourceMeaning: "STATION", destMeaning: "STATION", data1: "GROUP Bin Number", data2: "STATION Order Number", status: "live" },
  { code: 52, eventString: "PAGE ALL", name: "PAGE_ALL", callRef: "n/a", source: "station", dest: "none",
    sourceMeaning: "STATION", destMeaning: "N/A", data1: "N/A", data2: "N/A", status: "live" },
  { code: 53, eventString: "PAGE EXT", name: "PAGE_EXT", callRef: "n/a", source: "station", dest: "none",
    sourceMeaning: "STATION", destMeaning: "N/A", data1: "ZONE Offset", data2: "N/A", status: "live" },
  { code: 54, eventString: "PAGE INT", name: "PAGE_INT", callRef: "n/a", source: "station", dest: "none",
    sourceMeaning: "STATION", destMeaning: "N/A", data1: "ZONE Offset", data2: "N/A", status: "live" },
  { code: 55, eventString: "PARK GROUP", name: "PARK_GROUP", callRef: "number", source: "station", dest: "either",
    sourceMeaning: "STATION", destMeaning: "STATION/CO", data1: "GROUP Bin Number", data2: "N/A", status: "live" },
  { code: 56, eventString: "PARK PERSONAL", name: "PARK_PERSONAL", callRef: "number", source: "station", dest: "either",
    sourceMeaning: "STATION", destMeaning: "STATION/CO", data1: "N/A", data2: "N/A", status: "not-implemented" },
  { code: 57, eventString: "PICK UP", name: "PICK_UP", callRef: "n/a", source: "station", dest: "either",
    sourceMeaning: "STATION", destMeaning: "STATION/CO", data1: "N/A", data2: "N/A", status: "live" },
  { code: 58, eventString: "TRANSFER HOLD", name: "TRANSFER_HOLD", callRef: "number", source: "station", dest: "either",
    sourceMeaning: "STATION", destMeaning: "STATION/CO", data1: "N/A", data2: "N/A", status: "live" },
  { code: 59, eventString: "UCD GROUP", name: "UCD_GROUP", callRef: "number", source: "station", dest: "none",
    sourceMeaning: "STATION", destMeaning: "\"Number\" (sic)", data1: "GROUP Bin Number", data2: "STATION Order Number", status: "live" },
  { code: 60, eventString: "UCD NO ANSWER TO", name: "UCD_NO_ANSWER_TO", callRef: "number", source: "station", dest: "co",
    sourceMeaning: "STATION", destMeaning: "CO", data1: "N/A", data2: "N/A", status: "not-implemented" },
  { code: 61, eventString: "UCD OVERFLOW TO", name: "UCD_OVERFLOW_TO", callRef: "n/a", source: "either", dest: "station",
    sourceMeaning: "STATION/CO", destMeaning: "STATION", data1: "GROUP Bin Number", data2: "N/A", status: "live" },
  { code: 62, eventString: "UCD QUE HOLD TO", name: "UCD_QUEUE_HOLD", callRef: "number", source: "either", dest: "none",
    sourceMeaning: "STATION/CO", destMeaning: "N/A", data1: "ACD GROUP Bin Number (0 = not an ACD call)", data2: "N/A", status: "live" },
  { code: 63, eventString: "VM GROUP", name: "VM_GROUP", callRef: "number", source: "station", dest: "none",
    sourceMeaning: "STATION", destMeaning: "N/A", data1: "GROUP Bin Number", data2: "STATION Bin Number", status: "live" },
  { code: 64, eventString: "UCD HELP", name: "UCD_HELP", callRef: "number", source: "station", dest: "station",
    sourceMeaning: "STATION", destMeaning: "STATION", data1: "GROUP Bin Number", data2: "N/A", status: "live" },
  { code: 65, eventString: "UCD CALL QUALIFIER", name: "UCD_CALL_QUALIFIER", callRef: "number", source: "station", dest: "co",
    sourceMeaning: "STATION", destMeaning: "CO", data1: "N/A", data2: "Qualification Code (0000-9999)", status: "not-implemented" },
  { code: 66, eventString: "STATION RING", name: "STATION_RING", callRef: "number", source: "station", dest: "either",
    sourceMeaning: "STATION", destMeaning: "STATION/CO", data1: "ACD GROUP Bin Number (0 = not an ACD call)", data2: "ACD GROUP Number of the destination station", status: "live" },
  { code: 67, eventString: "NUMBER DIALED", name: "NUMBER_DIALED", callRef: "number", source: "station", dest: "co",
    sourceMeaning: "STATION", destMeaning: "CO", data1: "N/A", data2: "Number dialled (at most 32 digits; final 30 s after the last digit)", status: "live" },
  { code: 68, eventString: "TIME & DATE", name: "TIME_AND_DATE", callRef: "n/a", source: "none", dest: "none",
    sourceMeaning: "N/A", destMeaning: "N/A", data1: "MMDD", data2: "YY", status: "live" },
  { code: 69, eventString: "SMDR", name: "SMDR", callRef: "number", source: "station", dest: "co",
    sourceMeaning: "STATION", destMeaning: "CO", data1: "HHMMSS (call duration)", data2: "Number dialled (at most 32 digits; final 30 s after the last digit)", status: "live" },
  { code: 70, eventString: "TRANSFER COMPLETE", name: "TRANSFER_COMPLETE", callRef: "number", source: "either", dest: "either",
    sourceMeaning: "STATION/CO", destMeaning: "STATION/CO", data1: "N/A", data2: "N/A", status: "live" },
  { code: 71, eventString: "INCOMMING DID INFO", name: "INCOMING_DID_INFO", callRef: "number", source: "co", dest: "station",
    sourceMeaning: "CO", destMeaning: "STATION", data1: "DID number (at most 7 characters)", data2: "N/A", status: "live" },
  { code: 72, eventString: "INCOMMING CALLER INFO", name: "INCOMING_CALLER_INFO", callRef: "number", source: "co", dest: "station",
    sourceMeaning: "CO", destMeaning: "STATION", data1: "Phone number (at most 18 characters)", data2: "Name (at most 24 characters)", status: "live" },
  { code: 73, eventString: "CONNECT TX VOICE INFO", name: "CONNECT_TX_VOICE_INFO", callRef: "number", source: "either", dest: "either",
    sourceMeaning: "All", destMeaning: "All", data1: "high 2 bytes of the SSRC (4 hex characters)", data2: "low 2 bytes of the SSRC (4 hex characters)", status: "live" },
  { code: 74, eventString: "CONNECT RX VOICE INFO", name: "CONNECT_RX_VOICE_INFO", callRef: "number", source: "either", dest: "either",
    sourceMeaning: "All", destMeaning: "All", data1: "SSRC high (4 hex)", data2: "SSRC low (4 hex)", status: "live" },
  { code: 75, eventString: "CONNECT TX VIDEO INFO", name: "CONNECT_TX_VIDEO_INFO", callRef: "number", source: "either", dest: "either",
    sourceMeaning: "All", destMeaning: "All", data1: "SSRC high (4 hex)", data2: "SSRC low (4 hex)", status: "live" },
  { code: 76, eventString: "CONNECT RX VIDEO INFO", name: "CONNECT_RX_VIDEO_INFO", callRef: "number", source: "either", dest: "either",
    sourceMeaning: "All", destMeaning: "All", data1: "SSRC high (4 hex)", data2: "SSRC low (4 hex)", status: "live" },
  { code: 77, eventString: "ACD INFO CHANGED", name: "ACD_INFO_CHANGED", callRef: "n/a", source: "station", dest: "none",
    sourceMeaning: "STATION (the System Attendant number)", destMeaning: "N/A", data1: "GROUP Bin Number", data2: "N/A", status: "live" },
  { code: 80, eventString: "INCOMMING DIGIT INFO", name: "INCOMING_DIGIT_INFO", callRef: "number", source: "co", dest: "none",
    sourceMeaning: "CO", destMeaning: "(blank)", data1: "DIGIT (at most 1 character)", data2: "(blank)", status: "live" },
  { code: 81, eventString: "AGENT HOTDESK LOGIN", name: "HOTDESK_LOGIN", callRef: "n/a", source: "station", dest: "station",
    sourceMeaning: "STATION: the hot-desk agent number that logged in", destMeaning: "STATION: the dummy station number that is now logged out", data1: "N/A", data2: "N/A", status: "live" },
  { code: 82, eventString: "AGENT OUT OF SERVICE", name: "OUT_OF_SERVICE", callRef: "n/a", source: "station", dest: "none",
    sourceMeaning: "STATION (the station going out of service)", destMeaning: "N/A", data1: "N/A", data2: "N/A", status: "live" },
  { code: 83, eventString: "AGENT HOTDESK LOGOUT", name: "HOTDESK_LOGOUT", callRef: "n/a", source: "station", dest: "station",
    sourceMeaning: "STATION: the hot-desk agent number that logged out", destMeaning: "STATION: the dummy station number that is now logged in", data1: "N/A", data2: "N/A", status: "live" },
  { code: 84, eventString: "AGENT IN SERVICE", name: "IN_SERVICE", callRef: "n/a", source: "station", dest: "none",
    sourceMeaning: "STATION (the station returning to service)", destMeaning: "N/A", data1: "N/A", data2: "N/A", status: "live" },
  { code: 85, eventString: "SMDR ACCOUNT CODE", name: "SMDR_ACCOUNT_CODE", callRef: "number", source: "none", dest: "none",
    sourceMeaning: "N/A", destMeaning: "N/A", data1: "Account code (at most 12 digits)", data2: "(blank)", status: "live" },
  { code: 86, eventString: "SMDR AUTHORIZATION CODE", name: "SMDR_AUTHORIZATION_CODE", callRef: "number", source: "none", dest: "none",
    sourceMeaning: "N/A", destMeaning: "N/A", data1: "Authorisation code (at most 12 digits)", data2: "(blank)", status: "live" },
  { code: 87, eventString: "SMDR COST", name: "SMDR_COST", callRef: "number", source: "none", dest: "none",
    sourceMeaning: "N/A", destMeaning: "N/A", data1: "Cost (at most 10 digits)", data2: "(blank)", status: "define-only" },
  { code: 88, eventString: "SMDR INCOMING", name: "SMDR_INCOMING", callRef: "number", source: "co", dest: "station",
    sourceMeaning: "CO", destMeaning: "Station", data1: "HHMMSS: call duration or ring duration, depending on the call type", data2: "Caller number (at most 23 digits)", status: "define-only" },
  { code: 89, eventString: "SMDR ICM", name: "SMDR_ICM", callRef: "number", source: "none", dest: "none",
    sourceMeaning: "(blank)", destMeaning: "the calling station", data1: "HHMMSS (call duration)", data2: "the called station", status: "define-only" },
  { code: 90, eventString: "SMDR CALL TYPE", name: "SMDR_CALL_TYPE", callRef: "number", source: "co", dest: "station",
    sourceMeaning: "CO", destMeaning: "Station", data1: "Call type 0000~0015 (§6.4.4)", data2: "(blank)", status: "define-only" },
];

/** Every ACD code the spec defines, in code order (67 rows). */
export const ACD_CODES: readonly AcdCodeInfo[] = rows;

const byCode: ReadonlyMap<number, AcdCodeInfo> = new Map(rows.map((r) => [r.code, r]));

/** The catalogue row of a code, or `undefined` for a code the spec does not define. */
export function acdCodeInfo(code: number): AcdCodeInfo | undefined {
  return byCode.get(code);
}

/** The short name of a code, `UNKNOWN` for a code the spec does not define. */
export function acdCodeName(code: number): string {
  return byCode.get(code)?.name ?? 'UNKNOWN';
}

// ---------------------------------------------------------------------------------------------------------------
// Sub-tables of the ACD codes (ipecs-webapi.md §6.4). Keyed by the numeric value of the wire's data field
// (parse it with `numericField`: `"0002"` → 2).

/** A value of a sub-table: its number and the spec's name (spelling as printed). */
export interface CodeName {
  readonly value: number;
  readonly name: string;
}

function table(rows: readonly (readonly [number, string])[]): ReadonlyMap<number, string> {
  return new Map(rows);
}

/** Ringing type (code 3, data2; §6.4.1). There is no value 1. */
export const RINGING_TYPES: ReadonlyMap<number, string> = table([
  [0, 'Ring Speed Dial'],
  [2, 'Ring One or More Phones'],
  [3, 'Ring Voice mail Group'],
  [4, 'Ring Hunt Group'],
  [5, 'Ring UCD Group'],
  [6, 'Ring To Modem'],
]);

/** Station call-forward type (code 21, data1; §6.4.2). Value = target + condition (+0, +16 no answer, +32 busy, +48 both). */
export const FORWARD_TYPES: ReadonlyMap<number, string> = table([
  [1, 'Station Unconditional'],
  [2, 'Station Offnet'],
  [3, 'CO Line Offnet'],
  [4, 'CO Group Offent'],
  [5, 'CO All Offent'],
  [6, 'UCD Unconditional'],
  [7, 'Hunt Unconditional'],
  [8, 'Voice Mail Unconditional'],
  [17, 'Station No Answer'],
  [22, 'UCD No Answer'],
  [23, 'Hunt No Answer'],
  [24, 'Voice Mail No Answer'],
  [33, 'Station Busy'],
  [38, 'UCD Busy'],
  [39, 'Hunt Busy'],
  [40, 'Voice Mail Busy'],
  [49, 'Station No Answer or Busy'],
  [54, 'UCD No Answer or Busy'],
  [55, 'Hunt No Answer or Busy'],
  [56, 'Voice Mail No Answer or Busy'],
]);

/** Conference action (code 45, data1; §6.4.3). */
export const CONFERENCE_ACTIONS: ReadonlyMap<number, string> = table([
  [1, 'Terminate Conference'],
  [2, 'Enter Conference'],
  [3, 'Exit Conference'],
]);

/** SMDR call type (code 90, data1 `0000`~`0015`; §6.4.4). */
export const SMDR_CALL_TYPES: ReadonlyMap<number, string> = table([
  [0, 'SMDR Off hook'],
  [1, 'SMDR Incoming Call Transfer'],
  [2, 'SMDR Incoming Call'],
  [3, 'SMDR Outgoing Call'],
  [4, 'SMDR Outgoing Call Transfer'],
  [5, 'SMDR Hold Call Lost'],
  [6, 'SMDR Ringing Call Lost'],
  [7, 'SMDR Group Call Lost'],
  [8, 'SMDR ICM Call'],
  [9, 'SMDR ICM SMS'],
  [10, 'SMDR ICM Paging'],
  [11, 'SMDR Outgoing Unanswered'],
  [12, 'SMDR Bar Charge'],
  [13, 'SMDR Voice Mail'],
  [14, 'SMDR Net Outgoing'],
  [15, 'SMDR Net Incoming'],
]);

/** DISCONNECT (code 44) data1 values (§6.4.5). With 1, data2 holds a cause `00`~`FF` (hex ). */
export const DISCONNECT_KINDS: ReadonlyMap<number, string> = table([
  [0, 'normal disconnect'],
  [1, 'disconnect cause in data2'],
  [3, 'left a conference'],
]);

/** The dialled-digit encoding of data1 for codes 13/14 (§6.2, A-18): 1-9 as is, 10 → `0`, 11 → `*`, 12 → `#`. */
export function dialledDigit(value: number): string | undefined {
  if (Number.isInteger(value) && value >= 0 && value <= 9) return String(value);
  if (value === 10) return '0';
  if (value === 11) return '*';
  if (value === 12) return '#';
  return undefined;
}

/**
 * The disconnect cause of a DISCONNECT (code 44) whose data1 is 1: data2 is `00`~`FF`, read as two hex digits
 * a longer decimal string is read as decimal. Blank or anything else → `undefined`.
 */
export function disconnectCause(data2: string): number | undefined {
  const s = data2.trim();
  if (/^[0-9A-Fa-f]{2}$/.test(s)) return parseInt(s, 16);
  if (/^\d{1,3}$/.test(s)) return Number(s);
  return undefined;
}

/** SMDR disconnect cause codes (Table 2, §5.7). 22 is listed twice in the spec; the record's text wins. */
export const SMDR_DISCONNECT_CAUSES: ReadonlyMap<number, string> = table([
  [1, 'UnAllocated Number'], [3, 'No Route to Dest'], [8, 'Warning Tone'], [16, 'Normal Call Clearing'],
  [18, 'No User Responding'], [19, 'User No Answer'], [20, 'subscriber absent'], [21, 'Call Rejected'],
  [22, 'Number Changed / User DND'], [27, 'Destination Out of Order'], [28, 'Invalid Number format'],
  [30, 'Response to STATUS ENQUIRY'], [31, 'Normal, Unspecified'], [34, 'No Channel Available'],
  [38, 'Network Out Of Order'], [41, 'Temporary Failure'], [42, 'switching equipment congestion'],
  [44, 'Request Channel Unavailable'], [47, 'Resource Unavailable'], [50, 'Request Facility Not Subscribed'],
  [57, 'Bearer Capability No Authorized'], [58, 'Bearer capability Not Available'],
  [63, 'Service or option not available'], [65, 'Bearer capability Not Implemented'],
  [66, 'Channel Type Not Implemented'], [69, 'Request Facility Not Implemented'],
  [70, 'Only restricted digital information bearer capability is available'],
  [79, 'Service or option not implemented, unspecified'], [81, 'Invalid Call Reference'], [83, 'Call ID No exist'],
  [84, 'Call ID In Use'], [85, 'No Call Suspended'], [86, 'Call ID Cleared'], [88, 'Incompatible Destination'],
  [91, 'Invalid transit network selection'], [97, 'Message Type No Exist'],
  [98, 'Message Type Not Compatible with Call state'], [100, 'Invalid Information Element'], [102, 'timer expire'],
  [110, 'message with unrecognized parameter, discarded : Only Russia ISUP'], [111, 'Protocol Error'],
  [112, 'SIP Enblock Address Incomplete (LG Only)'],
]);

// ---------------------------------------------------------------------------------------------------------------
// CTI cause codes (Table 5, §7.4)

/** CTI call-event cause codes → `causeMsg` (Table 5, 34 codes). */
export const CTI_CAUSE_CODES: ReadonlyMap<number, string> = table([
  [3, 'user_busy'], [4, 'call_back'], [6, 'forward_immediate'], [7, 'forward_busy'], [8, 'forward_no_answer'],
  [9, 'forward'], [10, 'no_answer'], [11, 'pickup'], [13, 'invalid_destination'], [14, 'dnd'], [22, 'new_call'],
  [23, 'no_available_agents'], [27, 'recall'], [28, 'redirected'], [31, 'silent_monitoring'],
  [32, 'screened_transfer'], [33, 'trunk_busy'], [35, 'blocked'], [37, 'consultation'], [48, 'normal_clearing'],
  [52, 'blind_transfer'], [56, 'timeout'], [57, 'conference'], [58, 'reroute'], [59, 'trunk_call'],
  [60, 'unscreened_transfer'], [61, 'bridge_answer'], [62, 'branch_answer'], [63, 'branch_release'],
  [65, 'group_call'], [99, 'callwait'], [101, 'mobile_answer'], [102, 'madn_answer'], [103, 'reject'],
]);

// ---------------------------------------------------------------------------------------------------------------
// Error codes (§9.1). The numbers overlap between resources, so there is one map per resource.

/** The resource that returned an error body: its code means something only together with it. */
export type ErrorResource = 'common' | 'clickcall' | 'smdr' | 'cti';

/** The §9.1 error table, one map per resource. */
export const ERROR_CODES: Readonly<Record<ErrorResource, ReadonlyMap<number, string>>> = {
  common: table([
    [1, 'Parameter error'],
    [2, 'Version error'],
    [3, 'License error'],
    [4, 'Login information mismatch'],
    [99, 'Unknown'],
  ]),
  clickcall: table([
    [101, 'Authentication failure'], [102, 'Access denied'], [103, 'Call restricted'], [104, 'Not OK'],
    [105, 'Parameter error'], [106, 'No access VSF'], [107, 'No VSF group'], [108, 'No access PGM authority'],
    [110, 'Caller busy'], [121, 'Feature not set'], [199, 'Unknown'],
  ]),
  smdr: table([[299, 'Unknown']]),
  cti: table([
    [101, 'generic'], [102, 'serviceNotSupported'], [103, 'invalidMonitorObjectType'],
    [104, 'invalidCallingDeviceIdentifier'], [105, 'invalidCalledDeviceIdentifier'],
    [106, 'invalidConnectionIdentifier'], [107, 'invalidDestination'], [108, 'invalidDestinationDeviceObject'],
    [109, 'invalidDivertingDeviceIdentifier'], [110, 'invalidHeldDeviceIdentifier'], [111, 'invalidParameterValue'],
    [112, 'invalidForwardingDestination'], [140, 'AssociateBusy'], [141, 'AssociateDND'], [142, 'AssociateFWD'],
    [143, 'AccessDenied'], [144, 'TimeOut'], [145, 'InvalidAscState'], [146, 'InvalidAscType'],
    [147, 'InvalidState'], [148, 'InvalidOperation'], [149, 'InvalidPassword'], [150, 'unregistered'],
    [201, 'NoHeldCall'], [202, 'invalidHeldDeviceState'], [203, 'invalidConnectionState'], [204, 'noCallToAnswer'],
    [205, 'noConnectionToClear'], [301, 'resourceBusy'],
  ]),
};

/**
 * The name of an error code as the resource that returned it defines it (§9.1, A-5). Codes 0-99 fall back to the
 * common table for every resource. `undefined` for a code the table does not list. Note the worked examples
 * contradict the table: classify by HTTP status and message too.
 */
export function errorCodeName(resource: ErrorResource, code: number): string | undefined {
  return ERROR_CODES[resource].get(code) ?? (code >= 0 && code <= 99 ? ERROR_CODES.common.get(code) : undefined);
}

/**
 * CTI error names as the command texts and the per-device `result` lists spell them → codes (§9.3). Includes the
 * spellings that differ from the table (`accessDeny`, `invalidState`, `stateIncompatability`); matched without
 * regard to case by {@link ctiErrorCode}. `invalidDeviceReferenceIdentifier` is not in the table: absent.
 */
export const CTI_ERROR_NAMES: ReadonlyMap<string, number> = new Map([
  // The §9.1 CTI table, inverted, plus the spellings of §9.3 that differ from it.
  ...[...ERROR_CODES.cti].map(([code, name]) => [name, code] as const),
  ['accessDeny', 143],
  ['stateIncompatability', 201],
]);

const ctiErrorByLower: ReadonlyMap<string, number> = new Map([...CTI_ERROR_NAMES].map(([k, v]) => [k.toLowerCase(), v]));

/**
 * The code of a CTI error name (§9.3), case-insensitive, tolerant of a category prefix such as
 * `operation (invalidConnectionState)` or `stateIncompatibility (NoHeldCall)`. `undefined` when unknown.
 */
export function ctiErrorCode(name: string): number | undefined {
  const s = name.trim();
  const inner = /\(([^)]*)\)\s*$/.exec(s)?.[1] ?? s;
  return ctiErrorByLower.get(inner.trim().toLowerCase());
}
