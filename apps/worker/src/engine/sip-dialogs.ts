import { untilAvailable } from '@autocall/common';
import { PrismaService } from '@autocall/database';
import { SipDialogRecord, SipDialogStore, SipLegRole } from '@autocall/telephony';

/**
 * The SIP adapter's dialogs in PostgreSQL (table sip_dialogs): the state of each leg of the calls
 * this worker holds, for another worker to end them should this one die. A write waits out a
 * storage outage (it is the whole record, so writing it again is harmless). A row is written only
 * while its contact is live and still has its number: after an erasure (which deletes the rows of
 * the number's calls) or once the contact ended, a late write stores nothing.
 */
export function postgresDialogStore(prisma: PrismaService, workerId: string): SipDialogStore {
  return {
    async save(r: SipDialogRecord) {
      await untilAvailable(
        () => prisma.$executeRaw`
          INSERT INTO sip_dialogs (contact_id, leg, worker_id, state, call_id, local_tag, local_uri, local_display,
                                   remote_uri, remote_tag, remote_target, route_set, cseq, invite_via, invite_cseq,
                                   invite_routes, next_hop, updated_at)
          SELECT c.id, ${r.leg}, ${workerId}, ${r.state}, ${r.sipCallId}, ${r.localTag}, ${r.localUri},
                 ${r.localDisplay}, ${r.remoteUri}, ${r.remoteTag}, ${r.remoteTarget}, ${r.routeSet}::text[],
                 ${r.cseq}, ${r.inviteVia}, ${r.inviteCseq}, ${r.inviteRoutes}::text[], ${r.nextHop}, now()
          FROM contacts c
          WHERE c.id = ${r.callId}::uuid AND c.status <> 'ended' AND c.phone_number IS NOT NULL
          ON CONFLICT (contact_id, leg) DO UPDATE SET
            worker_id = EXCLUDED.worker_id, state = EXCLUDED.state, call_id = EXCLUDED.call_id,
            local_tag = EXCLUDED.local_tag, local_uri = EXCLUDED.local_uri, local_display = EXCLUDED.local_display,
            remote_uri = EXCLUDED.remote_uri, remote_tag = EXCLUDED.remote_tag,
            remote_target = EXCLUDED.remote_target, route_set = EXCLUDED.route_set, cseq = EXCLUDED.cseq,
            invite_via = EXCLUDED.invite_via, invite_cseq = EXCLUDED.invite_cseq,
            invite_routes = EXCLUDED.invite_routes, next_hop = EXCLUDED.next_hop, updated_at = now()`,
      );
    },
    async remove(callId: string, leg?: SipLegRole) {
      await untilAvailable(() =>
        leg
          ? prisma.$executeRaw`DELETE FROM sip_dialogs WHERE contact_id = ${callId}::uuid AND leg = ${leg}`
          : prisma.$executeRaw`DELETE FROM sip_dialogs WHERE contact_id = ${callId}::uuid`,
      );
    },
    async load(callId: string) {
      const rows = await prisma.sipDialog.findMany({ where: { contactId: callId } });
      return rows.map((row) => ({
        callId: row.contactId,
        leg: row.leg as SipLegRole,
        state: row.state as SipDialogRecord['state'],
        sipCallId: row.callId,
        localTag: row.localTag,
        localUri: row.localUri,
        localDisplay: row.localDisplay,
        remoteUri: row.remoteUri,
        remoteTag: row.remoteTag,
        remoteTarget: row.remoteTarget,
        routeSet: row.routeSet,
        cseq: row.cseq,
        inviteVia: row.inviteVia,
        inviteCseq: row.inviteCseq,
        inviteRoutes: row.inviteRoutes,
        nextHop: row.nextHop,
      }));
    },
  };
}

/**
 * Rows whose leg's end was not written (a write lost with its worker, or a CANCEL never answered)
 * once their contact has ended a while ago: nothing is left to end on the network.
 */
export async function forgetEndedDialogs(prisma: PrismaService): Promise<number> {
  return prisma.$executeRaw`
    DELETE FROM sip_dialogs d USING contacts c
    WHERE c.id = d.contact_id AND c.status = 'ended' AND c.ended_at < now() - interval '1 minute'`;
}
