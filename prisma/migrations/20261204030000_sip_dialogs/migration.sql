-- The SIP dialog state of each leg of a live call (the callee's, the agent's or the
-- announcement's), written by the worker that holds the call as it changes: what another worker
-- needs to end the call on the network (BYE, or CANCEL before an answer) when the holder dies.
-- A row lives while its leg does: it is deleted when the leg ends, with its contact (retention),
-- and by an erasure of the number (the URIs hold it); a row is only written while its contact
-- still has its number and is not ended.
CREATE TABLE "sip_dialogs" (
  "contact_id"     UUID NOT NULL,
  "leg"            VARCHAR(16) NOT NULL,
  "worker_id"      VARCHAR(100) NOT NULL,
  "state"          VARCHAR(16) NOT NULL,
  "call_id"        VARCHAR(128) NOT NULL,
  "local_tag"      VARCHAR(64) NOT NULL,
  "local_uri"      VARCHAR(512) NOT NULL,
  "local_display"  VARCHAR(128),
  "remote_uri"     VARCHAR(512) NOT NULL,
  "remote_tag"     VARCHAR(128),
  "remote_target"  VARCHAR(512),
  "route_set"      TEXT[] DEFAULT '{}',
  "cseq"           INTEGER NOT NULL,
  "invite_via"     VARCHAR(512) NOT NULL,
  "invite_cseq"    INTEGER NOT NULL,
  "invite_routes"  TEXT[] DEFAULT '{}',
  "next_hop"       VARCHAR(300) NOT NULL,
  "updated_at"     TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "sip_dialogs_pkey" PRIMARY KEY ("contact_id", "leg"),
  CONSTRAINT "sip_dialogs_contact_id_fkey" FOREIGN KEY ("contact_id") REFERENCES "contacts"("id") ON DELETE CASCADE ON UPDATE CASCADE,
  CONSTRAINT "sip_dialogs_leg_check" CHECK ("leg" IN ('customer', 'agent', 'announcement')),
  -- calling: INVITE sent, no answer yet (ended by CANCEL); confirmed: answered (ended by BYE).
  CONSTRAINT "sip_dialogs_state_check" CHECK ("state" IN ('calling', 'confirmed')),
  CONSTRAINT "sip_dialogs_confirmed_check" CHECK ("state" = 'calling' OR "remote_tag" IS NOT NULL),
  CONSTRAINT "sip_dialogs_cseq_check" CHECK ("cseq" >= "invite_cseq" AND "invite_cseq" >= 1)
);
