// Generated from AutoCall's OpenAPI document by `npm run client:generate`: do not edit.
export interface paths {
    "/health/live": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: the process runs */
        get: operations["HealthController_live"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness: PostgreSQL and Redis answer (and, in a worker with TELEPHONY=sip, the trunk answers OPTIONS) */
        get: operations["HealthController_ready"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/agents": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List agents (filter by skill and state; cursor pagination) */
        get: operations["AgentsController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/agents/{agentId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One agent with its current state */
        get: operations["AgentsController_get"];
        /** Create or replace an agent (name, skills, SIP endpoint) */
        put: operations["AgentsController_upsert"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/agents/{agentId}/session": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Log the agent in (starts a session) */
        post: operations["AgentsController_logIn"];
        /**
         * Terminate Agent Session
         * @description Ends the agent session at once (a supervisor), or logs the agent out (its own agent key); a dial reserved for the agent loses the reservation at once. A call in progress finishes, or ends too when the tenant setting terminateSessionLiveCall is "end". Rate limited per tenant.
         */
        delete: operations["AgentsController_terminate"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/agents/{agentId}/state": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Set the agent available or unavailable (with a reason) */
        put: operations["AgentsController_setState"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the API keys of the tenant (never the keys themselves) */
        get: operations["ApiKeysController_list"];
        put?: never;
        /** Create an API key; the key itself is in this response only */
        post: operations["ApiKeysController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/api-keys/{keyId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke an API key at once
         * @description The key is refused from now on, and a live dashboard stream it opened closes, on every replica.
         */
        delete: operations["ApiKeysController_revoke"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit-events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The audit trail: every successful mutating request of the tenant, newest first
         * @description Who (keyId, role, agentId), what (action, route, resourceType, resourceId), when (at, by the database clock), the requestId and the status. Never a phone number, a secret or a request body. Filters: from, to (at), keyId, resourceType, resourceId, action.
         */
        get: operations["AuditEventsController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/autocalls": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** AutoCalls, newest first, with counts by target status */
        get: operations["AutoCallsController_list"];
        put?: never;
        /**
         * Submit an AutoCall
         * @description immediate: dials min(free lines − reserve, free agents − reserve, targets) now; the rest end not_dialed. sequential: holds the targets and dials each, in order, as soon as a line and an agent are free. predictive: holds the targets and dials ahead of agents, as many as the pool's pacer allows under the abandon-rate cap (GET /v1/pacing/{skill}). Every mode keeps the compliance guards: the calling window in the called party's local time, the redial lock after an abandoned call, attempts per number per day. A number on the do-not-call list ends skipped (do_not_call); a number repeated in the list ends skipped (duplicate_in_list). At most 10,000 targets.
         */
        post: operations["AutoCallsController_submit"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/autocalls/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One AutoCall with counts by target status and its abandon rate (abandoned ÷ answered by a person) */
        get: operations["AutoCallsController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/autocalls/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel: held targets end cancelled at once; calls in progress finish, or end with hangUp: true */
        post: operations["AutoCallsController_cancel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/autocalls/{id}/targets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The targets and their results, in list order (filter: status=a,b) */
        get: operations["AutoCallsController_targets"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/call-stops": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The do-not-call list */
        get: operations["CallStopsController_list"];
        put?: never;
        /** Stop calls to a number (a held target with it is skipped when its turn comes) */
        post: operations["CallStopsController_add"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/call-stops/{phoneNumber}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Allow calls to the number again */
        delete: operations["CallStopsController_remove"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/callbacks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Callbacks by scheduled time (filters: status=a,b, ownerAgentId, dueFrom, dueTo) */
        get: operations["CallbacksController_list"];
        put?: never;
        /** Schedule a callback: a number (or a contact), a skill, a time (default now + 30 min; local with timeZone, or an instant), an optional owner */
        post: operations["CallbacksController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/callbacks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One callback, with its AutoCall and target once due, and its outcome once ended */
        get: operations["CallbacksController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Reschedule, change or remove the owner (while scheduled or waiting for its owner) */
        patch: operations["CallbacksController_update"];
        trace?: never;
    };
    "/v1/callbacks/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a callback not dialed yet (scheduled, waiting, or held in the queue) */
        post: operations["CallbacksController_cancel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/campaigns": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The campaigns with an active AutoCall, each with its abandon rate over the compliance window */
        get: operations["CampaignsController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/campaigns/{campaign}/compliance": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A campaign's abandon rate over the compliance window, against the cap, and how it dials
         * @description Abandoned ÷ answered by a person over the regime window (30 days US, 24 h UK, or the tenant setting), counted per campaign (or for the tenant as a whole with abandonScope "tenant"). From the cap until back at or under the target, the state is progressive_until_under_cap: its predictive AutoCalls dial one call per free agent. An AutoCall without a campaign is its own (its id).
         */
        get: operations["CampaignsController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/contacts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Call history (newest first)
         * @description Filters: from, to (creation time), autocallId, reference, agentId, phoneNumber, status=a,b, direction.
         */
        get: operations["ContactsController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/contacts/{contactId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One contact with its timeline and durations */
        get: operations["ContactsController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/contacts/{contactId}/disposition": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Set the disposition of a contact
         * @description By the agent's own key (its own calls only), or a supervisor or an integrator for it: from the connection until the wrap-up ends (the tenant's wrapUpSeconds after the call ended), once. Applied to the target when the call has ended: a callback code schedules its callback (callback.owned: owned by the agent), a do_not_call code adds the number to the call stops. Sets the agent available again if they are in this call's wrap-up.
         */
        post: operations["DispositionsController_set"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/contacts/{contactId}/end": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * End a Contact
         * @description Ends a live contact through telephony (CANCEL before the answer, BYE after): its line and agent are freed and its target ends (cancelled, or completed if it was connected), reason ended_by_request. Ending an ending or ended contact is accepted and changes nothing (endRequested: false for an ended one).
         */
        post: operations["ContactsController_end"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/data-subjects/erase": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Erase one person's number: removed from every call record, callback, call stop, webhook payload and stored answer; kept only as a keyed hash so it is never dialed again */
        post: operations["DataSubjectsController_erase"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/dispositions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The tenant's disposition codes, by code */
        get: operations["DispositionsController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/dispositions/{dispositionId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Create or replace a disposition code
         * @description The path names the code (a-z, 0-9, _, -, .). kind: final (the target ends completed), retry (back to pending after retryDelaySeconds while it has made fewer than retryMaxAttempts attempts), callback (a callback is scheduled), do_not_call (the number joins the call stops). isDefault: applied when nobody dispositions within wrapUpSeconds; a new default replaces the old one. Connected calls await a disposition only while the tenant has a default code.
         */
        put: operations["DispositionsController_put"];
        post?: never;
        /**
         * Remove a disposition code
         * @description Contacts and targets keep the code they were given. Without a default code, calls await no disposition.
         */
        delete: operations["DispositionsController_remove"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/lines": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Set the tenant's line capacity (concurrent channels of its trunk) */
        put: operations["LinesController_setCapacity"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/lines/inbound": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Report the inbound calls in progress on the trunk (PBX or SBC); they take lines until the report expires */
        put: operations["LinesController_reportInbound"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/lines/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Line usage now: capacity, in use (outbound, inbound), reserved, free; and each trunk's use */
        get: operations["LinesController_usage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/pacing/{skill}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A skill's predictive pacing: settings, the pacer's last decision, and the abandon rate
         * @description abandonRate is abandoned ÷ answered by a person over the compliance window (30 days US, 24 h UK, or the tenant setting), the figure regulators cap at 3%; lastHour is what the pacer corrects from.
         */
        get: operations["PacingController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/pacing/simulations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * What-if: what each pacing strategy would do for a skill's pool, simulated before going live
         * @description Runs the production pacer and contact state machine in virtual time on a worker, on the pool's own measured calls of the last measuredDays (answer share, time to answer, talk time) and the figures you give (which replace the measured ones; patience and wrap-up cannot be measured). Each strategy dials the same seeded calls. Poll GET /v1/pacing/simulations/{id} (Location) until status is done or failed. At most 2 of a tenant's simulations queued or running at once.
         */
        post: operations["PacingSimulationsController_request"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/pacing/simulations/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A what-if simulation: its state and, once done, each strategy’s figures */
        get: operations["PacingSimulationsController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/queues/{skill}/waiting": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Answered contacts waiting for an agent, in the order they will be served */
        get: operations["ContactsController_waiting"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/settings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The tenant's settings, defaults included */
        get: operations["SettingsController_get"];
        /**
         * Change the tenant's settings
         * @description Fields left out keep their value; a field set to null goes back to its default. A retentionDays below what the compliance settings read (31 days us and jp, 4 uk, more with longer windows) is refused (400, field code below_minimum_retention, naming the minimum).
         */
        put: operations["SettingsController_update"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/trunks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The tenant's trunks, in the order dials take them (priority) */
        get: operations["TrunksController_list"];
        put?: never;
        /** Add a trunk: SIP target, transport, credentials, channels, calls per second, priority */
        post: operations["TrunksController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/trunks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One trunk */
        get: operations["TrunksController_get"];
        put?: never;
        post?: never;
        /** Delete a trunk that carries no call now (else 409) */
        delete: operations["TrunksController_remove"];
        options?: never;
        head?: never;
        /** Change a trunk (fields left out keep their value; password null removes it) */
        patch: operations["TrunksController_update"];
        trace?: never;
    };
    "/v1/webhook-deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Deliveries, newest first (filters: endpointId, eventId, eventType, status, since, until) */
        get: operations["WebhookDeliveriesController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhook-deliveries/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One delivery with its event and every attempt (status, duration, response excerpt) */
        get: operations["WebhookDeliveriesController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhook-deliveries/{id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a failed delivery again, or replay a delivered one; a fresh retry schedule */
        post: operations["WebhookDeliveriesController_retry"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhook-endpoints": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The tenant's webhook endpoints */
        get: operations["WebhookEndpointsController_list"];
        put?: never;
        /** Register an endpoint (events: omitted or [] for all); its whsec_ secret is shown in this answer only */
        post: operations["WebhookEndpointsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhook-endpoints/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One webhook endpoint */
        get: operations["WebhookEndpointsController_get"];
        put?: never;
        post?: never;
        /** Delete the endpoint and its delivery log */
        delete: operations["WebhookEndpointsController_remove"];
        options?: never;
        head?: never;
        /** Change the URL, the events or the description; enable or disable */
        patch: operations["WebhookEndpointsController_update"];
        trace?: never;
    };
    "/v1/webhook-endpoints/{id}/rotate-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A new secret (shown once); the previous one keeps signing alongside it for 24 h, or as asked */
        post: operations["WebhookEndpointsController_rotate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export interface webhooks {
    "agent.session_terminated": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A supervisor ended an agent's session
         * @description Sent when an agent's session is ended by Terminate Agent Session (not when the agent logs out), with the API key that did it.
         */
        post: operations["WebhookAgentSessionTerminated"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "autocall.completed": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Every target of an AutoCall is terminal
         * @description Sent when every target of the AutoCall is terminal, also after a cancel (`status` is then `cancelled`). Delivered to an endpoint after the AutoCall's earlier events to that endpoint were delivered or failed, so it is the last event of the AutoCall an endpoint receives.
         */
        post: operations["WebhookAutocallCompleted"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "autocall.target.completed": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A target reached a terminal status
         * @description Sent when a target of an AutoCall reaches a terminal status (completed, no_answer, busy, failed, abandoned, machine, skipped, not_dialed, cancelled, expired): its outcome, attempts, your `reference` and `data`, and its last contact with its whole timeline (`contact` is null when it was never dialed). For a tenant with disposition codes, a connected call's target completes when its disposition is applied, and carries it.
         */
        post: operations["WebhookAutocallTargetCompleted"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "callback.cancelled": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A callback was cancelled
         * @description Sent when a callback is cancelled (POST /v1/callbacks/{id}/cancel, or its AutoCall cancelled).
         */
        post: operations["WebhookCallbackCancelled"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "callback.completed": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A callback ended
         * @description Sent when the target of a callback ended: `completed` when it completed, else `failed` with its final status as `outcome` (no_answer, busy, …).
         */
        post: operations["WebhookCallbackCompleted"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "callback.due": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A callback is due
         * @description Sent when a callback’s time comes: it then waits for its owner (`waiting`) or its one-target AutoCall exists (`queued`, with `autocallId` and `targetId`).
         */
        post: operations["WebhookCallbackDue"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "callback.scheduled": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A callback was scheduled
         * @description Sent when a callback is created, and when it is rescheduled (PATCH /v1/callbacks/{id}).
         */
        post: operations["WebhookCallbackScheduled"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "contact.disposition_set": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A contact's disposition was set
         * @description Sent once per contact when its disposition is set: by the agent (or a supervisor or an integrator for it), or `default` when nobody did within the wrap-up. Carries the code, its label and kind, and the notes.
         */
        post: operations["WebhookContactDispositionSet"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "contact.status_changed": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A contact (one dial attempt) changed status
         * @description Sent on every status of a contact: `dialing`, `ringing`, `answered`, `waiting` (answered, no agent free yet), `connected`, then `ended` or `abandoned` (answered, and no agent took it). `sequence` orders one contact’s events. The event that ends the last contact of its target carries `target`: what the attempt did to it (a final status, or `pending` with `nextAttemptAt` when a retry follows); the others carry null.
         */
        post: operations["WebhookContactStatusChanged"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export interface components {
    schemas: {
        /** @description RFC 9457 problem details, with a stable machine-readable `code`. */
        Problem: {
            /**
             * @description invalid_security_user, unauthorized, invalid_agent_id, invalid_contact_id, not_found, invalid_request, payload_too_large, too_many_requests, conflict, idempotency_key_reused, idempotency_request_in_flight, service_unavailable, internal_error
             * @example invalid_request
             */
            code: string;
            detail: string;
            /** @description with invalid_request: each offending field */
            errors?: {
                /** @example invalid_phone_number */
                code: string;
                /** @example targets[3].phoneNumber */
                field: string;
                message: string;
            }[];
            /** @description the request path, phone numbers masked */
            instance?: string;
            /** @description the x-request-id of the request */
            requestId?: string;
            /** @example 400 */
            status: number;
            /** @example Invalid request */
            title: string;
            /** @example urn:autocall:problem:invalid_request */
            type: string;
        };
        WebhookAgentSessionTerminated: {
            /** Format: date-time */
            createdAt: string;
            data: {
                agentId: string;
                agentName: string;
                /** Format: uuid */
                sessionId: string;
                /** Format: date-time */
                startedAt: string;
                /** Format: date-time */
                terminatedAt: string;
                terminatedByKeyId: string | null;
            };
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            tenantId: string;
            /** @constant */
            type: "agent.session_terminated";
        };
        WebhookAutocallCompleted: {
            /** Format: date-time */
            createdAt: string;
            data: {
                /** Format: uuid */
                autocallId: string;
                cancelledAt: string | null;
                /** Format: date-time */
                completedAt: string;
                counts: {
                    [key: string]: number;
                };
                /** Format: date-time */
                createdAt: string;
                /** @enum {string} */
                mode: "immediate" | "sequential" | "predictive";
                priority: number;
                skill: string;
                /** @enum {string} */
                status: "completed" | "cancelled";
                targetCount: number;
            };
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            tenantId: string;
            /** @constant */
            type: "autocall.completed";
        };
        WebhookAutocallTargetCompleted: {
            /** Format: date-time */
            createdAt: string;
            data: {
                attempts: number;
                /** Format: uuid */
                autocallId: string;
                /** Format: date-time */
                completedAt: string;
                contact: {
                    agentId: string | null;
                    answeredAt: string | null;
                    answeredBy: ("human" | "machine") | null;
                    attempt: number;
                    callerId: string | null;
                    cause: string | null;
                    connectedAt: string | null;
                    /** Format: uuid */
                    contactId: string;
                    /** Format: date-time */
                    createdAt: string;
                    detection: ("pending" | "human" | "machine" | "unknown") | null;
                    disposition: string | null;
                    endedAt: string | null;
                    ringingAt: string | null;
                    sipCode: number | null;
                    /** @enum {string} */
                    status: "dialing" | "ringing" | "answered" | "waiting" | "connected" | "ended" | "abandoned";
                    timeline: {
                        agentId: string | null;
                        /** Format: date-time */
                        at: string;
                        cause: string | null;
                        /** @enum {string} */
                        status: "dialing" | "ringing" | "answered" | "waiting" | "connected" | "ended" | "abandoned";
                    }[];
                } | null;
                data: {
                    [key: string]: unknown;
                } | null;
                disposition: string | null;
                phoneNumber: string | null;
                position: number;
                reason: string | null;
                reference: string | null;
                /** @enum {string} */
                status: "completed" | "no_answer" | "busy" | "failed" | "abandoned" | "machine" | "skipped" | "not_dialed" | "cancelled" | "expired";
                /** Format: uuid */
                targetId: string;
            };
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            tenantId: string;
            /** @constant */
            type: "autocall.target.completed";
        };
        WebhookCallbackCancelled: {
            /** Format: date-time */
            createdAt: string;
            data: {
                autocallId: string | null;
                /** Format: uuid */
                callbackId: string;
                callerId: string | null;
                callerName: string | null;
                contactId: string | null;
                /** Format: date-time */
                createdAt: string;
                data: {
                    [key: string]: unknown;
                } | null;
                dueAt: string | null;
                endedAt: string | null;
                outcome: ("pending" | "dialing" | "ringing" | "answered" | "connected" | "completed" | "no_answer" | "busy" | "failed" | "abandoned" | "machine" | "skipped" | "not_dialed" | "cancelled" | "expired") | null;
                ownerAgentId: string | null;
                ownerUntil: string | null;
                phoneNumber: string | null;
                /** Format: date-time */
                scheduledAt: string;
                skill: string;
                /** @enum {string} */
                status: "cancelled";
                targetId: string | null;
                timeZone: string | null;
            };
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            tenantId: string;
            /** @constant */
            type: "callback.cancelled";
        };
        WebhookCallbackCompleted: {
            /** Format: date-time */
            createdAt: string;
            data: {
                autocallId: string | null;
                /** Format: uuid */
                callbackId: string;
                callerId: string | null;
                callerName: string | null;
                contactId: string | null;
                /** Format: date-time */
                createdAt: string;
                data: {
                    [key: string]: unknown;
                } | null;
                dueAt: string | null;
                endedAt: string | null;
                outcome: ("pending" | "dialing" | "ringing" | "answered" | "connected" | "completed" | "no_answer" | "busy" | "failed" | "abandoned" | "machine" | "skipped" | "not_dialed" | "cancelled" | "expired") | null;
                ownerAgentId: string | null;
                ownerUntil: string | null;
                phoneNumber: string | null;
                /** Format: date-time */
                scheduledAt: string;
                skill: string;
                /** @enum {string} */
                status: "completed" | "failed";
                targetId: string | null;
                timeZone: string | null;
            };
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            tenantId: string;
            /** @constant */
            type: "callback.completed";
        };
        WebhookCallbackDue: {
            /** Format: date-time */
            createdAt: string;
            data: {
                autocallId: string | null;
                /** Format: uuid */
                callbackId: string;
                callerId: string | null;
                callerName: string | null;
                contactId: string | null;
                /** Format: date-time */
                createdAt: string;
                data: {
                    [key: string]: unknown;
                } | null;
                dueAt: string | null;
                endedAt: string | null;
                outcome: ("pending" | "dialing" | "ringing" | "answered" | "connected" | "completed" | "no_answer" | "busy" | "failed" | "abandoned" | "machine" | "skipped" | "not_dialed" | "cancelled" | "expired") | null;
                ownerAgentId: string | null;
                ownerUntil: string | null;
                phoneNumber: string | null;
                /** Format: date-time */
                scheduledAt: string;
                skill: string;
                /** @enum {string} */
                status: "waiting" | "queued";
                targetId: string | null;
                timeZone: string | null;
            };
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            tenantId: string;
            /** @constant */
            type: "callback.due";
        };
        WebhookCallbackScheduled: {
            /** Format: date-time */
            createdAt: string;
            data: {
                autocallId: string | null;
                /** Format: uuid */
                callbackId: string;
                callerId: string | null;
                callerName: string | null;
                contactId: string | null;
                /** Format: date-time */
                createdAt: string;
                data: {
                    [key: string]: unknown;
                } | null;
                dueAt: string | null;
                endedAt: string | null;
                outcome: ("pending" | "dialing" | "ringing" | "answered" | "connected" | "completed" | "no_answer" | "busy" | "failed" | "abandoned" | "machine" | "skipped" | "not_dialed" | "cancelled" | "expired") | null;
                ownerAgentId: string | null;
                ownerUntil: string | null;
                phoneNumber: string | null;
                /** Format: date-time */
                scheduledAt: string;
                skill: string;
                /** @enum {string} */
                status: "scheduled";
                targetId: string | null;
                timeZone: string | null;
            };
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            tenantId: string;
            /** @constant */
            type: "callback.scheduled";
        };
        WebhookContactDispositionSet: {
            /** Format: date-time */
            createdAt: string;
            data: {
                agentId: string | null;
                attempt: number;
                /** Format: uuid */
                autocallId: string;
                /** Format: uuid */
                contactId: string;
                disposition: {
                    /** Format: date-time */
                    at: string;
                    /** @enum {string} */
                    by: "agent" | "supervisor" | "integrator" | "admin" | "default";
                    code: string;
                    kind: ("final" | "retry" | "callback" | "do_not_call") | null;
                    label: string | null;
                    notes: string | null;
                };
                phoneNumber: string | null;
                reference: string | null;
                skill: string;
                /** Format: uuid */
                targetId: string;
            };
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            tenantId: string;
            /** @constant */
            type: "contact.disposition_set";
        };
        WebhookContactStatusChanged: {
            /** Format: date-time */
            createdAt: string;
            data: {
                agentId: string | null;
                answeredBy: ("human" | "machine") | null;
                /** Format: date-time */
                at: string;
                attempt: number;
                /** Format: uuid */
                autocallId: string;
                cause: string | null;
                /** Format: uuid */
                contactId: string;
                detection: ("pending" | "human" | "machine" | "unknown") | null;
                phoneNumber: string | null;
                reference: string | null;
                sequence: number;
                sipCode: number | null;
                skill: string;
                /** @enum {string} */
                status: "dialing" | "ringing" | "answered" | "waiting" | "connected" | "ended" | "abandoned";
                target: {
                    attempts: number;
                    nextAttemptAt: string | null;
                    reason: string | null;
                    /** @enum {string} */
                    status: "pending" | "dialing" | "ringing" | "answered" | "connected" | "completed" | "no_answer" | "busy" | "failed" | "abandoned" | "machine" | "skipped" | "not_dialed" | "cancelled" | "expired";
                } | null;
                /** Format: uuid */
                targetId: string;
            };
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            tenantId: string;
            /** @constant */
            type: "contact.status_changed";
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    HealthController_live: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description up */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @constant */
                        status: "up";
                    };
                };
            };
            /** @description invalid_request: a body that is not valid JSON (the probes take none) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    HealthController_ready: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description up: every dependency answers */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        checks: ({
                            /** @enum {string} */
                            name: "postgresql" | "redis" | "sip_trunk";
                            /** @constant */
                            status: "up";
                        } | {
                            error: string;
                            /** @enum {string} */
                            name: "postgresql" | "redis" | "sip_trunk";
                            /** @constant */
                            status: "down";
                        })[];
                        /** @enum {string} */
                        status: "up" | "down";
                    };
                };
            };
            /** @description invalid_request: a body that is not valid JSON (the probes take none) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description down: the checks say which dependency does not answer */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        checks: ({
                            /** @enum {string} */
                            name: "postgresql" | "redis" | "sip_trunk";
                            /** @constant */
                            status: "up";
                        } | {
                            error: string;
                            /** @enum {string} */
                            name: "postgresql" | "redis" | "sip_trunk";
                            /** @constant */
                            status: "down";
                        })[];
                        /** @enum {string} */
                        status: "up" | "down";
                    };
                };
            };
        };
    };
    AgentsController_list: {
        parameters: {
            query?: {
                cursor?: string;
                limit?: number;
                skill?: string;
                state?: "logged_out" | "available" | "unavailable" | "on_call" | "wrap_up";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description agents, by id */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            agentId: string;
                            /** Format: date-time */
                            createdAt: string;
                            endpoint: string;
                            name: string;
                            sessionId: string | null;
                            skills: string[];
                            /** @enum {string} */
                            state: "logged_out" | "available" | "unavailable" | "on_call" | "wrap_up";
                            /** Format: date-time */
                            stateChangedAt: string;
                            stateReason: string | null;
                            /** Format: date-time */
                            updatedAt: string;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description invalid_request: an unknown filter, or a cursor this API did not issue */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    AgentsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                agentId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the agent */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        agentId: string;
                        /** Format: date-time */
                        createdAt: string;
                        endpoint: string;
                        name: string;
                        sessionId: string | null;
                        skills: string[];
                        /** @enum {string} */
                        state: "logged_out" | "available" | "unavailable" | "on_call" | "wrap_up";
                        /** Format: date-time */
                        stateChangedAt: string;
                        stateReason: string | null;
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
            /** @description invalid_request: the request is not valid (errors[] names each field), or its body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_agent_id */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    AgentsController_upsert: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                agentId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    endpoint: string;
                    name: string;
                    skills: string[];
                };
            };
        };
        responses: {
            /** @description replaced */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        agentId: string;
                        /** Format: date-time */
                        createdAt: string;
                        endpoint: string;
                        name: string;
                        sessionId: string | null;
                        skills: string[];
                        /** @enum {string} */
                        state: "logged_out" | "available" | "unavailable" | "on_call" | "wrap_up";
                        /** Format: date-time */
                        stateChangedAt: string;
                        stateReason: string | null;
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
            /** @description created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        agentId: string;
                        /** Format: date-time */
                        createdAt: string;
                        endpoint: string;
                        name: string;
                        sessionId: string | null;
                        skills: string[];
                        /** @enum {string} */
                        state: "logged_out" | "available" | "unavailable" | "on_call" | "wrap_up";
                        /** Format: date-time */
                        stateChangedAt: string;
                        stateReason: string | null;
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
            /** @description invalid_request: the request is not valid (errors[] names each field), or its body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description not_found (or invalid_agent_id, invalid_contact_id): unknown id, or another tenant’s */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    AgentsController_logIn: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                agentId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    reason?: string;
                    /**
                     * @default unavailable
                     * @enum {string}
                     */
                    state?: "available" | "unavailable";
                };
            };
        };
        responses: {
            /** @description session started */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        agentId: string;
                        /** Format: uuid */
                        sessionId: string;
                        /** Format: date-time */
                        startedAt: string;
                        /** @enum {string} */
                        state: "available" | "unavailable";
                    };
                };
            };
            /** @description invalid_request: the request is not valid (errors[] names each field), or its body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description not_found (or invalid_agent_id, invalid_contact_id): unknown id, or another tenant’s */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the agent already has a session */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    AgentsController_terminate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                agentId: string;
            };
            cookie?: never;
        };
        /** @description why the session ends (optional) */
        requestBody?: {
            content: {
                "application/json": {
                    reason?: string;
                };
            };
        };
        responses: {
            /** @description session ended */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description invalid_request: the optional body is not { reason } */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_agent_id */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the agent has no active session */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description too_many_requests, with Retry-After */
            429: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    AgentsController_setState: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                agentId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    reason?: string;
                    /** @enum {string} */
                    state: "available" | "unavailable";
                };
            };
        };
        responses: {
            /** @description the agent's state, changed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        agentId: string;
                        /** Format: date-time */
                        createdAt: string;
                        endpoint: string;
                        name: string;
                        sessionId: string | null;
                        skills: string[];
                        /** @enum {string} */
                        state: "logged_out" | "available" | "unavailable" | "on_call" | "wrap_up";
                        /** Format: date-time */
                        stateChangedAt: string;
                        stateReason: string | null;
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
            /** @description invalid_request: the request is not valid (errors[] names each field), or its body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description not_found (or invalid_agent_id, invalid_contact_id): unknown id, or another tenant’s */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no session, or the agent is on a call */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ApiKeysController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description every key of the tenant, revoked ones included, oldest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            agentId: string | null;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: uuid */
                            id: string;
                            keyPrefix: string;
                            lastUsedAt: string | null;
                            name: string;
                            revokedAt: string | null;
                            /** @enum {string} */
                            role: "admin" | "supervisor" | "integrator" | "agent";
                        }[];
                    };
                };
            };
            /** @description invalid_request: the request is not valid (errors[] names each field), or its body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ApiKeysController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    agentId?: string;
                    name: string;
                    /** @enum {string} */
                    role: "admin" | "supervisor" | "integrator" | "agent";
                };
            };
        };
        responses: {
            /** @description created; `key` is shown this once */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        agentId: string | null;
                        /** Format: date-time */
                        createdAt: string;
                        /** Format: uuid */
                        id: string;
                        key: string;
                        keyPrefix: string;
                        lastUsedAt: string | null;
                        name: string;
                        revokedAt: string | null;
                        /** @enum {string} */
                        role: "admin" | "supervisor" | "integrator" | "agent";
                    };
                };
            };
            /** @description invalid_request: the request is not valid (errors[] names each field), or its body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ApiKeysController_revoke: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                keyId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description revoked */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description invalid_request: the request is not valid (errors[] names each field), or its body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description not_found (or invalid_agent_id, invalid_contact_id): unknown id, or another tenant’s */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the last active admin key cannot be revoked */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    AuditEventsController_list: {
        parameters: {
            query?: {
                action?: string;
                cursor?: string;
                from?: string;
                keyId?: string;
                limit?: number;
                resourceId?: string;
                resourceType?: string;
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description audit events, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            action: string;
                            agentId: string | null;
                            /** Format: date-time */
                            at: string;
                            /** Format: uuid */
                            id: string;
                            /** Format: uuid */
                            keyId: string;
                            /** @enum {string} */
                            method: "POST" | "PUT" | "PATCH" | "DELETE";
                            requestId: string;
                            resourceId: string | null;
                            resourceType: string;
                            /** @enum {string} */
                            role: "admin" | "supervisor" | "integrator" | "agent";
                            route: string;
                            status: number;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description invalid_request: an unknown filter, or a cursor this API did not issue */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    AutoCallsController_list: {
        parameters: {
            query?: {
                campaign?: string;
                cursor?: string;
                limit?: number;
                status?: "active" | "completed" | "cancelled";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description AutoCalls, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            callerId: string | null;
                            callingWindow: {
                                /**
                                 * @default [
                                 *       1,
                                 *       2,
                                 *       3,
                                 *       4,
                                 *       5,
                                 *       6,
                                 *       7
                                 *     ]
                                 */
                                days: number[];
                                end: string;
                                start: string;
                            } | null;
                            campaign: string;
                            cancelledAt: string | null;
                            checks: {
                                callStop: boolean;
                                freeAgents: {
                                    reserve: number;
                                } | null;
                                freeLines: {
                                    reserve: number;
                                } | null;
                            };
                            completedAt: string | null;
                            counts: {
                                [key: string]: number;
                            };
                            /** Format: date-time */
                            createdAt: string;
                            detectionWaitSeconds: number;
                            /** Format: uuid */
                            id: string;
                            /** @enum {string} */
                            machine: "hangup" | "message";
                            machineMessage: string | null;
                            /** @enum {string} */
                            mode: "immediate" | "sequential" | "predictive";
                            priority: number;
                            retry: {
                                busy?: {
                                    delaySeconds: number;
                                    maxAttempts: number;
                                };
                                failed?: {
                                    delaySeconds: number;
                                    maxAttempts: number;
                                };
                                noAnswer?: {
                                    delaySeconds: number;
                                    maxAttempts: number;
                                };
                            };
                            ringTimeoutSeconds: number;
                            skill: string;
                            /** @enum {string} */
                            status: "active" | "completed" | "cancelled";
                            targetCount: number;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description invalid_request: the request is not valid (errors[] names each field), or its body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    AutoCallsController_submit: {
        parameters: {
            query?: never;
            header?: {
                /** @description the first answer (202 and its body) is stored and replayed exactly, with Idempotent-Replayed: true, for 24 hours; then the key is forgotten. The same key with another body: 409 idempotency_key_reused; while the key's first request is still in progress: 409 idempotency_request_in_flight */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    callerId?: string;
                    callingWindow?: {
                        /**
                         * @default [
                         *       1,
                         *       2,
                         *       3,
                         *       4,
                         *       5,
                         *       6,
                         *       7
                         *     ]
                         */
                        days?: number[];
                        end: string;
                        start: string;
                    };
                    campaign?: string;
                    /**
                     * @default {
                     *       "freeLines": {
                     *         "reserve": 0
                     *       },
                     *       "freeAgents": {
                     *         "reserve": 0
                     *       },
                     *       "callStop": false
                     *     }
                     */
                    checks?: {
                        /** @default false */
                        callStop?: boolean;
                        /**
                         * @default {
                         *       "reserve": 0
                         *     }
                         */
                        freeAgents?: {
                            /** @default 0 */
                            reserve?: number;
                        } | null;
                        /**
                         * @default {
                         *       "reserve": 0
                         *     }
                         */
                        freeLines?: {
                            /** @default 0 */
                            reserve?: number;
                        } | null;
                    };
                    /** @default 0 */
                    detectionWaitSeconds?: number;
                    /**
                     * @default hangup
                     * @enum {string}
                     */
                    machine?: "hangup" | "message";
                    machineMessage?: string;
                    /** @enum {string} */
                    mode: "immediate" | "sequential" | "predictive";
                    /** @default 0 */
                    priority?: number;
                    /** @default {} */
                    retry?: {
                        busy?: {
                            delaySeconds: number;
                            maxAttempts: number;
                        };
                        failed?: {
                            delaySeconds: number;
                            maxAttempts: number;
                        };
                        noAnswer?: {
                            delaySeconds: number;
                            maxAttempts: number;
                        };
                    };
                    /** @default 30 */
                    ringTimeoutSeconds?: number;
                    skill: string;
                    targets: {
                        data?: {
                            [key: string]: unknown;
                        };
                        phoneNumber: string;
                        reference?: string;
                        timeZone?: string;
                    }[];
                };
            };
        };
        responses: {
            /** @description accepted, with the status of every target */
            202: {
                headers: {
                    /** @description `true` when this is the stored answer to the key's first request, replayed */
                    "Idempotent-Replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        callerId: string | null;
                        callingWindow: {
                            /**
                             * @default [
                             *       1,
                             *       2,
                             *       3,
                             *       4,
                             *       5,
                             *       6,
                             *       7
                             *     ]
                             */
                            days: number[];
                            end: string;
                            start: string;
                        } | null;
                        campaign: string;
                        cancelledAt: string | null;
                        checks: {
                            callStop: boolean;
                            freeAgents: {
                                reserve: number;
                            } | null;
                            freeLines: {
                                reserve: number;
                            } | null;
                        };
                        completedAt: string | null;
                        counts: {
                            [key: string]: number;
                        };
                        /** Format: date-time */
                        createdAt: string;
                        detectionWaitSeconds: number;
                        /** Format: uuid */
                        id: string;
                        /** @enum {string} */
                        machine: "hangup" | "message";
                        machineMessage: string | null;
                        /** @enum {string} */
                        mode: "immediate" | "sequential" | "predictive";
                        priority: number;
                        retry: {
                            busy?: {
                                delaySeconds: number;
                                maxAttempts: number;
                            };
                            failed?: {
                                delaySeconds: number;
                                maxAttempts: number;
                            };
                            noAnswer?: {
                                delaySeconds: number;
                                maxAttempts: number;
                            };
                        };
                        ringTimeoutSeconds: number;
                        skill: string;
                        /** @enum {string} */
                        status: "active" | "completed" | "cancelled";
                        targetCount: number;
                        targets: {
                            contactId: string | null;
                            phoneNumber: string | null;
                            position: number;
                            reason: string | null;
                            reference: string | null;
                            status: string;
                            /** Format: uuid */
                            targetId: string;
                        }[];
                    };
                };
            };
            /** @description invalid_request: the request is not valid (errors[] names each field), or its body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description idempotency_key_reused (same key, another body) or idempotency_request_in_flight (retry later) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description past the tenant's submission rate limit (Retry-After) */
            429: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    AutoCallsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the AutoCall */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        abandon: {
                            abandoned: number;
                            answered: number;
                            rate: number | null;
                        };
                        callerId: string | null;
                        callingWindow: {
                            /**
                             * @default [
                             *       1,
                             *       2,
                             *       3,
                             *       4,
                             *       5,
                             *       6,
                             *       7
                             *     ]
                             */
                            days: number[];
                            end: string;
                            start: string;
                        } | null;
                        campaign: string;
                        cancelledAt: string | null;
                        checks: {
                            callStop: boolean;
                            freeAgents: {
                                reserve: number;
                            } | null;
                            freeLines: {
                                reserve: number;
                            } | null;
                        };
                        completedAt: string | null;
                        counts: {
                            [key: string]: number;
                        };
                        /** Format: date-time */
                        createdAt: string;
                        detectionWaitSeconds: number;
                        dispositions: {
                            [key: string]: number;
                        };
                        /** Format: uuid */
                        id: string;
                        /** @enum {string} */
                        machine: "hangup" | "message";
                        machineMessage: string | null;
                        /** @enum {string} */
                        mode: "immediate" | "sequential" | "predictive";
                        priority: number;
                        retry: {
                            busy?: {
                                delaySeconds: number;
                                maxAttempts: number;
                            };
                            failed?: {
                                delaySeconds: number;
                                maxAttempts: number;
                            };
                            noAnswer?: {
                                delaySeconds: number;
                                maxAttempts: number;
                            };
                        };
                        ringTimeoutSeconds: number;
                        skill: string;
                        /** @enum {string} */
                        status: "active" | "completed" | "cancelled";
                        targetCount: number;
                    };
                };
            };
            /** @description invalid_request: the request is not valid (errors[] names each field), or its body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description not_found (or invalid_agent_id, invalid_contact_id): unknown id, or another tenant’s */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    AutoCallsController_cancel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @default false */
                    hangUp?: boolean;
                };
            };
        };
        responses: {
            /** @description cancelled: the AutoCall with its counts */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        callerId: string | null;
                        callingWindow: {
                            /**
                             * @default [
                             *       1,
                             *       2,
                             *       3,
                             *       4,
                             *       5,
                             *       6,
                             *       7
                             *     ]
                             */
                            days: number[];
                            end: string;
                            start: string;
                        } | null;
                        campaign: string;
                        cancelledAt: string | null;
                        checks: {
                            callStop: boolean;
                            freeAgents: {
                                reserve: number;
                            } | null;
                            freeLines: {
                                reserve: number;
                            } | null;
                        };
                        completedAt: string | null;
                        counts: {
                            [key: string]: number;
                        };
                        /** Format: date-time */
                        createdAt: string;
                        detectionWaitSeconds: number;
                        /** Format: uuid */
                        id: string;
                        /** @enum {string} */
                        machine: "hangup" | "message";
                        machineMessage: string | null;
                        /** @enum {string} */
                        mode: "immediate" | "sequential" | "predictive";
                        priority: number;
                        retry: {
                            busy?: {
                                delaySeconds: number;
                                maxAttempts: number;
                            };
                            failed?: {
                                delaySeconds: number;
                                maxAttempts: number;
                            };
                            noAnswer?: {
                                delaySeconds: number;
                                maxAttempts: number;
                            };
                        };
                        ringTimeoutSeconds: number;
                        skill: string;
                        /** @enum {string} */
                        status: "active" | "completed" | "cancelled";
                        targetCount: number;
                    };
                };
            };
            /** @description invalid_request: the request is not valid (errors[] names each field), or its body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description not_found (or invalid_agent_id, invalid_contact_id): unknown id, or another tenant’s */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the AutoCall is completed or cancelled already */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    AutoCallsController_targets: {
        parameters: {
            query?: {
                cursor?: string;
                limit?: number;
                status?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the targets, in list order */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            attempts: number;
                            completedAt: string | null;
                            data: {
                                [key: string]: unknown;
                            } | null;
                            disposition: string | null;
                            lastContactId: string | null;
                            nextAttemptAt: string | null;
                            phoneNumber: string | null;
                            position: number;
                            reason: string | null;
                            reference: string | null;
                            /** @enum {string} */
                            status: "pending" | "dialing" | "ringing" | "answered" | "connected" | "completed" | "no_answer" | "busy" | "failed" | "abandoned" | "machine" | "skipped" | "not_dialed" | "cancelled" | "expired";
                            /** Format: uuid */
                            targetId: string;
                            /** Format: date-time */
                            updatedAt: string;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description invalid_request: the request is not valid (errors[] names each field), or its body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description not_found (or invalid_agent_id, invalid_contact_id): unknown id, or another tenant’s */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CallStopsController_list: {
        parameters: {
            query?: {
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the numbers on the list, by number */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            /** Format: date-time */
                            createdAt: string;
                            expiresAt: string | null;
                            phoneNumber: string;
                            reason: string | null;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description invalid_request: the request is not valid (errors[] names each field), or its body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CallStopsController_add: {
        parameters: {
            query?: never;
            header?: {
                /** @description the first answer (201 and its body) is stored and replayed exactly, with Idempotent-Replayed: true, for 24 hours; then the key is forgotten. The same key with another body: 409 idempotency_key_reused; while the key's first request is still in progress: 409 idempotency_request_in_flight */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** Format: date-time */
                    expiresAt?: string;
                    phoneNumber: string;
                    reason?: string;
                };
            };
        };
        responses: {
            /** @description the number is on the list (added, or its stop updated) */
            201: {
                headers: {
                    /** @description `true` when this is the stored answer to the key's first request, replayed */
                    "Idempotent-Replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        createdAt: string;
                        expiresAt: string | null;
                        phoneNumber: string;
                        reason: string | null;
                    };
                };
            };
            /** @description invalid_request: the request is not valid (errors[] names each field), or its body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description idempotency_key_reused (same key, another body) or idempotency_request_in_flight (retry later) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CallStopsController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                phoneNumber: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the number is off the list */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description invalid_request: the request is not valid (errors[] names each field), or its body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description not_found (or invalid_agent_id, invalid_contact_id): unknown id, or another tenant’s */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CallbacksController_list: {
        parameters: {
            query?: {
                cursor?: string;
                dueFrom?: string;
                dueTo?: string;
                limit?: number;
                ownerAgentId?: string;
                status?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description callbacks by scheduled time */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            autocallId: string | null;
                            callerId: string | null;
                            callerName: string | null;
                            contactId: string | null;
                            /** Format: date-time */
                            createdAt: string;
                            data: {
                                [key: string]: unknown;
                            } | null;
                            dueAt: string | null;
                            endedAt: string | null;
                            /** Format: uuid */
                            id: string;
                            outcome: ("pending" | "dialing" | "ringing" | "answered" | "connected" | "completed" | "no_answer" | "busy" | "failed" | "abandoned" | "machine" | "skipped" | "not_dialed" | "cancelled" | "expired") | null;
                            ownerAgentId: string | null;
                            ownerUntil: string | null;
                            phoneNumber: string | null;
                            /** Format: date-time */
                            scheduledAt: string;
                            skill: string;
                            /** @enum {string} */
                            status: "scheduled" | "waiting" | "queued" | "completed" | "failed" | "cancelled";
                            targetId: string | null;
                            timeZone: string | null;
                            /** Format: date-time */
                            updatedAt: string;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description invalid_request: the request is not valid (errors[] names each field), or its body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CallbacksController_create: {
        parameters: {
            query?: never;
            header?: {
                /** @description the first answer (201 and its body) is stored and replayed exactly, with Idempotent-Replayed: true, for 24 hours; then the key is forgotten. The same key with another body: 409 idempotency_key_reused; while the key's first request is still in progress: 409 idempotency_request_in_flight */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    callerId?: string;
                    callerName?: string;
                    /** Format: uuid */
                    contactId?: string;
                    data?: {
                        [key: string]: unknown;
                    };
                    ownerAgentId?: string;
                    ownershipWindowSeconds?: number;
                    phoneNumber?: string;
                    scheduledAt?: string;
                    skill: string;
                    timeZone?: string;
                };
            };
        };
        responses: {
            /** @description scheduled */
            201: {
                headers: {
                    /** @description `true` when this is the stored answer to the key's first request, replayed */
                    "Idempotent-Replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        autocallId: string | null;
                        callerId: string | null;
                        callerName: string | null;
                        contactId: string | null;
                        /** Format: date-time */
                        createdAt: string;
                        data: {
                            [key: string]: unknown;
                        } | null;
                        dueAt: string | null;
                        endedAt: string | null;
                        /** Format: uuid */
                        id: string;
                        outcome: ("pending" | "dialing" | "ringing" | "answered" | "connected" | "completed" | "no_answer" | "busy" | "failed" | "abandoned" | "machine" | "skipped" | "not_dialed" | "cancelled" | "expired") | null;
                        ownerAgentId: string | null;
                        ownerUntil: string | null;
                        phoneNumber: string | null;
                        /** Format: date-time */
                        scheduledAt: string;
                        skill: string;
                        /** @enum {string} */
                        status: "scheduled" | "waiting" | "queued" | "completed" | "failed" | "cancelled";
                        targetId: string | null;
                        timeZone: string | null;
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
            /** @description invalid_request: the request is not valid (errors[] names each field), or its body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description idempotency_key_reused (same key, another body) or idempotency_request_in_flight (retry later)
             *
             *     the contact has an open callback already
             */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CallbacksController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the callback */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        autocallId: string | null;
                        callerId: string | null;
                        callerName: string | null;
                        contactId: string | null;
                        /** Format: date-time */
                        createdAt: string;
                        data: {
                            [key: string]: unknown;
                        } | null;
                        dueAt: string | null;
                        endedAt: string | null;
                        /** Format: uuid */
                        id: string;
                        outcome: ("pending" | "dialing" | "ringing" | "answered" | "connected" | "completed" | "no_answer" | "busy" | "failed" | "abandoned" | "machine" | "skipped" | "not_dialed" | "cancelled" | "expired") | null;
                        ownerAgentId: string | null;
                        ownerUntil: string | null;
                        phoneNumber: string | null;
                        /** Format: date-time */
                        scheduledAt: string;
                        skill: string;
                        /** @enum {string} */
                        status: "scheduled" | "waiting" | "queued" | "completed" | "failed" | "cancelled";
                        targetId: string | null;
                        timeZone: string | null;
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
            /** @description invalid_request: the request is not valid (errors[] names each field), or its body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description not_found (or invalid_agent_id, invalid_contact_id): unknown id, or another tenant’s */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CallbacksController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    callerId?: string | null;
                    callerName?: string | null;
                    data?: {
                        [key: string]: unknown;
                    } | null;
                    ownerAgentId?: string | null;
                    ownershipWindowSeconds?: number;
                    scheduledAt?: string;
                    timeZone?: string | null;
                };
            };
        };
        responses: {
            /** @description rescheduled or changed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        autocallId: string | null;
                        callerId: string | null;
                        callerName: string | null;
                        contactId: string | null;
                        /** Format: date-time */
                        createdAt: string;
                        data: {
                            [key: string]: unknown;
                        } | null;
                        dueAt: string | null;
                        endedAt: string | null;
                        /** Format: uuid */
                        id: string;
                        outcome: ("pending" | "dialing" | "ringing" | "answered" | "connected" | "completed" | "no_answer" | "busy" | "failed" | "abandoned" | "machine" | "skipped" | "not_dialed" | "cancelled" | "expired") | null;
                        ownerAgentId: string | null;
                        ownerUntil: string | null;
                        phoneNumber: string | null;
                        /** Format: date-time */
                        scheduledAt: string;
                        skill: string;
                        /** @enum {string} */
                        status: "scheduled" | "waiting" | "queued" | "completed" | "failed" | "cancelled";
                        targetId: string | null;
                        timeZone: string | null;
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
            /** @description invalid_request: the request is not valid (errors[] names each field), or its body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description not_found (or invalid_agent_id, invalid_contact_id): unknown id, or another tenant’s */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the callback is dialed or ended already */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CallbacksController_cancel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description cancelled */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        autocallId: string | null;
                        callerId: string | null;
                        callerName: string | null;
                        contactId: string | null;
                        /** Format: date-time */
                        createdAt: string;
                        data: {
                            [key: string]: unknown;
                        } | null;
                        dueAt: string | null;
                        endedAt: string | null;
                        /** Format: uuid */
                        id: string;
                        outcome: ("pending" | "dialing" | "ringing" | "answered" | "connected" | "completed" | "no_answer" | "busy" | "failed" | "abandoned" | "machine" | "skipped" | "not_dialed" | "cancelled" | "expired") | null;
                        ownerAgentId: string | null;
                        ownerUntil: string | null;
                        phoneNumber: string | null;
                        /** Format: date-time */
                        scheduledAt: string;
                        skill: string;
                        /** @enum {string} */
                        status: "scheduled" | "waiting" | "queued" | "completed" | "failed" | "cancelled";
                        targetId: string | null;
                        timeZone: string | null;
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
            /** @description invalid_request: a body that is not JSON, or neither an object nor an array (this operation reads none) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description not_found (or invalid_agent_id, invalid_contact_id): unknown id, or another tenant’s */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description its call is placed, or it ended already */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CampaignsController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the active campaigns, by name */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            abandoned: number;
                            activeAutoCalls: number;
                            answered: number;
                            campaign: string;
                            /** @enum {string} */
                            complianceRegime: "us" | "uk" | "jp";
                            maxAbandonRate: number;
                            measuredAt: string | null;
                            progressiveSince: string | null;
                            rate: number | null;
                            /** @enum {string} */
                            scope: "campaign" | "tenant";
                            /** @enum {string} */
                            state: "predictive" | "progressive_until_under_cap";
                            targetAbandonRate: number;
                            windowSeconds: number;
                        }[];
                    };
                };
            };
            /** @description invalid_request: the request is not valid (errors[] names each field), or its body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CampaignsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                campaign: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the campaign's compliance */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        abandoned: number;
                        activeAutoCalls: number;
                        answered: number;
                        campaign: string;
                        /** @enum {string} */
                        complianceRegime: "us" | "uk" | "jp";
                        maxAbandonRate: number;
                        measuredAt: string | null;
                        progressiveSince: string | null;
                        rate: number | null;
                        /** @enum {string} */
                        scope: "campaign" | "tenant";
                        /** @enum {string} */
                        state: "predictive" | "progressive_until_under_cap";
                        targetAbandonRate: number;
                        windowSeconds: number;
                    };
                };
            };
            /** @description invalid_request: not a campaign name */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description not_found: no AutoCall of the tenant is in this campaign */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ContactsController_list: {
        parameters: {
            query?: {
                agentId?: string;
                autocallId?: string;
                cursor?: string;
                direction?: "outbound" | "inbound";
                from?: string;
                limit?: number;
                phoneNumber?: string;
                reference?: string;
                status?: string;
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description contacts, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            agentId: string | null;
                            answeredAt: string | null;
                            answeredBy: ("human" | "machine") | null;
                            attempt: number;
                            /** Format: uuid */
                            autocallId: string;
                            callerId: string | null;
                            cause: string | null;
                            connectedAt: string | null;
                            /** Format: uuid */
                            contactId: string;
                            /** Format: date-time */
                            createdAt: string;
                            detection: ("pending" | "human" | "machine" | "unknown") | null;
                            /** @enum {string} */
                            direction: "outbound" | "inbound";
                            disposition: {
                                /** Format: date-time */
                                at: string;
                                /** @enum {string} */
                                by: "agent" | "supervisor" | "integrator" | "admin" | "default";
                                code: string;
                                notes: string | null;
                            } | null;
                            durations: {
                                ringMs: number | null;
                                talkMs: number | null;
                                totalMs: number | null;
                                waitMs: number | null;
                            };
                            endedAt: string | null;
                            phoneNumber: string | null;
                            reference: string | null;
                            ringingAt: string | null;
                            sipCode: number | null;
                            skill: string;
                            /** @enum {string} */
                            status: "dialing" | "ringing" | "answered" | "waiting" | "connected" | "ended" | "abandoned";
                            /** Format: uuid */
                            targetId: string;
                            wrapUpUntil: string | null;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description invalid_request: the request is not valid (errors[] names each field), or its body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ContactsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                contactId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the contact, its target and its timeline */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        agentId: string | null;
                        answeredAt: string | null;
                        answeredBy: ("human" | "machine") | null;
                        attempt: number;
                        /** Format: uuid */
                        autocallId: string;
                        callerId: string | null;
                        cause: string | null;
                        connectedAt: string | null;
                        /** Format: uuid */
                        contactId: string;
                        /** Format: date-time */
                        createdAt: string;
                        detection: ("pending" | "human" | "machine" | "unknown") | null;
                        /** @enum {string} */
                        direction: "outbound" | "inbound";
                        disposition: {
                            /** Format: date-time */
                            at: string;
                            /** @enum {string} */
                            by: "agent" | "supervisor" | "integrator" | "admin" | "default";
                            code: string;
                            notes: string | null;
                        } | null;
                        durations: {
                            ringMs: number | null;
                            talkMs: number | null;
                            totalMs: number | null;
                            waitMs: number | null;
                        };
                        endedAt: string | null;
                        phoneNumber: string | null;
                        reference: string | null;
                        ringingAt: string | null;
                        sipCode: number | null;
                        skill: string;
                        /** @enum {string} */
                        status: "dialing" | "ringing" | "answered" | "waiting" | "connected" | "ended" | "abandoned";
                        target: {
                            reason: string | null;
                            status: ("pending" | "dialing" | "ringing" | "answered" | "connected" | "completed" | "no_answer" | "busy" | "failed" | "abandoned" | "machine" | "skipped" | "not_dialed" | "cancelled" | "expired") | null;
                            /** Format: uuid */
                            targetId: string;
                        };
                        /** Format: uuid */
                        targetId: string;
                        timeline: {
                            agentId: string | null;
                            /** Format: date-time */
                            at: string;
                            cause: string | null;
                            /** @enum {string} */
                            status: "dialing" | "ringing" | "answered" | "waiting" | "connected" | "ended" | "abandoned";
                        }[];
                        wrapUpUntil: string | null;
                    };
                };
            };
            /** @description invalid_request: the request is not valid (errors[] names each field), or its body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_contact_id */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    DispositionsController_set: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                contactId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    callback?: {
                        /** @default false */
                        owned?: boolean;
                        scheduledAt?: string;
                        timeZone?: string;
                    };
                    code: string;
                    notes?: string;
                };
            };
        };
        responses: {
            /** @description set */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        applied: boolean;
                        callbackId: string | null;
                        /** Format: uuid */
                        contactId: string;
                        disposition: {
                            /** Format: date-time */
                            at: string;
                            /** @enum {string} */
                            by: "agent" | "supervisor" | "integrator" | "admin" | "default";
                            code: string;
                            notes: string | null;
                        };
                        /** @enum {string} */
                        kind: "final" | "retry" | "callback" | "do_not_call";
                    };
                };
            };
            /** @description invalid_request: unknown_disposition_code, a callback for another kind, a callback time refused */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: an agent key, for another agent's call */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_contact_id */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description conflict: set already, never connected, or the wrap-up is over (the default code applies) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ContactsController_end: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                contactId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the end is under way (or the contact had ended) */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: uuid */
                        contactId: string;
                        endedAt: string | null;
                        endRequested: boolean;
                        /** @enum {string} */
                        status: "dialing" | "ringing" | "answered" | "waiting" | "connected" | "ended" | "abandoned";
                    };
                };
            };
            /** @description invalid_request: a body that is not JSON, or neither an object nor an array (this operation reads none) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_contact_id */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    DataSubjectsController_erase: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    phoneNumber: string;
                };
            };
        };
        responses: {
            /** @description what was erased (safe to repeat: a second erasure finds nothing more) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        alreadyErased: boolean;
                        callbacksCancelled: number;
                        contactsEnded: number;
                        /** Format: date-time */
                        erasedAt: string;
                        rowsErased: {
                            callbacks: number;
                            callStops: number;
                            contacts: number;
                            idempotentAnswers: number;
                            targets: number;
                            webhookDeliveryAttempts: number;
                            webhookEvents: number;
                        };
                        targetsSkipped: number;
                    };
                };
            };
            /** @description invalid_request: the request is not valid (errors[] names each field), or its body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    DispositionsController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the codes */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            code: string;
                            /** Format: date-time */
                            createdAt: string;
                            isDefault: boolean;
                            /** @enum {string} */
                            kind: "final" | "retry" | "callback" | "do_not_call";
                            label: string;
                            retryDelaySeconds: number | null;
                            retryMaxAttempts: number | null;
                            /** Format: date-time */
                            updatedAt: string;
                        }[];
                    };
                };
            };
            /** @description invalid_request: the request is not valid (errors[] names each field), or its body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    DispositionsController_put: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                dispositionId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @default false */
                    isDefault?: boolean;
                    /** @enum {string} */
                    kind: "final" | "retry" | "callback" | "do_not_call";
                    label: string;
                    retryDelaySeconds?: number;
                    retryMaxAttempts?: number;
                };
            };
        };
        responses: {
            /** @description replaced */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        code: string;
                        /** Format: date-time */
                        createdAt: string;
                        isDefault: boolean;
                        /** @enum {string} */
                        kind: "final" | "retry" | "callback" | "do_not_call";
                        label: string;
                        retryDelaySeconds: number | null;
                        retryMaxAttempts: number | null;
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
            /** @description created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        code: string;
                        /** Format: date-time */
                        createdAt: string;
                        isDefault: boolean;
                        /** @enum {string} */
                        kind: "final" | "retry" | "callback" | "do_not_call";
                        label: string;
                        retryDelaySeconds: number | null;
                        retryMaxAttempts: number | null;
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
            /** @description invalid_request: the request is not valid (errors[] names each field), or its body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description not_found (or invalid_agent_id, invalid_contact_id): unknown id, or another tenant’s */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    DispositionsController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                dispositionId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description removed */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description invalid_request: the request is not valid (errors[] names each field), or its body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    LinesController_setCapacity: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    capacity: number;
                };
            };
        };
        responses: {
            /** @description the line usage with the new capacity */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        capacity: number;
                        free: number;
                        inUse: {
                            inbound: number;
                            outbound: number;
                            total: number;
                        };
                        reserved: number;
                        trunks?: {
                            callsLastSecond: number;
                            callsPerSecond: number;
                            channels: number;
                            channelsInUse: number;
                            /** Format: uuid */
                            id: string;
                            name: string;
                            overloads: number;
                            pausedUntil: string | null;
                            priority: number;
                        }[];
                    };
                };
            };
            /** @description invalid_request: the request is not valid (errors[] names each field), or its body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    LinesController_reportInbound: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    inUse: number;
                    /** @default 30 */
                    ttlSeconds?: number;
                };
            };
        };
        responses: {
            /** @description the line usage with the inbound calls reported */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        capacity: number;
                        free: number;
                        inUse: {
                            inbound: number;
                            outbound: number;
                            total: number;
                        };
                        reserved: number;
                        trunks?: {
                            callsLastSecond: number;
                            callsPerSecond: number;
                            channels: number;
                            channelsInUse: number;
                            /** Format: uuid */
                            id: string;
                            name: string;
                            overloads: number;
                            pausedUntil: string | null;
                            priority: number;
                        }[];
                    };
                };
            };
            /** @description invalid_request: the request is not valid (errors[] names each field), or its body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    LinesController_usage: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the line usage now */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        capacity: number;
                        free: number;
                        inUse: {
                            inbound: number;
                            outbound: number;
                            total: number;
                        };
                        reserved: number;
                        trunks?: {
                            callsLastSecond: number;
                            callsPerSecond: number;
                            channels: number;
                            channelsInUse: number;
                            /** Format: uuid */
                            id: string;
                            name: string;
                            overloads: number;
                            pausedUntil: string | null;
                            priority: number;
                        }[];
                    };
                };
            };
            /** @description invalid_request: the request is not valid (errors[] names each field), or its body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    PacingController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                skill: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the skill's pacing */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        abandonRate: {
                            abandoned: number;
                            answered: number;
                            rate: number | null;
                        };
                        abandonWindowSeconds: number;
                        /** @enum {string} */
                        complianceRegime: "us" | "uk" | "jp";
                        connectThresholdSeconds: number;
                        lastHour: {
                            abandoned: number;
                            answered: number;
                            rate: number | null;
                        };
                        pacer: {
                            alpha: number | null;
                            budget: number;
                            capped: boolean;
                            decidedAt: string | null;
                            expectedAnswersInFlight: number | null;
                            expectedFreeAgents: number | null;
                            group: string[];
                            /** @enum {string} */
                            mode: "stopped" | "progressive" | "predictive";
                            reason: string;
                        } | null;
                        settings: {
                            /** @default 0.03 */
                            maxAbandonRate: number;
                            /** @default 3 */
                            maxLinesPerAgent: number;
                            /** @default 3 */
                            minAgents: number;
                            /** @default 50 */
                            minDialSamples: number;
                            /** @default 0.02 */
                            targetAbandonRate: number;
                        };
                        skill: string;
                    };
                };
            };
            /** @description invalid_request: not a skill name */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description not_found (or invalid_agent_id, invalid_contact_id): unknown id, or another tenant’s */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    PacingSimulationsController_request: {
        parameters: {
            query?: never;
            header?: {
                /** @description the first answer (202 and its body) is stored and replayed exactly, with Idempotent-Replayed: true, for 24 hours; then the key is forgotten. The same key with another body: 409 idempotency_key_reused; while the key's first request is still in progress: 409 idempotency_request_in_flight */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    agents: number;
                    /** @default {} */
                    figures?: {
                        answerRate?: number;
                        patienceSecondsMean?: number;
                        ringSecondsMean?: number;
                        talkSecondsMean?: number;
                        wrapUpSecondsMean?: number;
                    };
                    hours: number;
                    /** @default 7 */
                    measuredDays?: number;
                    ringTimeoutSeconds?: number;
                    seed?: string;
                    skill: string;
                    strategies?: ({
                        /** @constant */
                        kind: "progressive";
                    } | {
                        /** @constant */
                        kind: "power";
                        ratio: number;
                    } | {
                        /** @constant */
                        kind: "predictive";
                    })[];
                };
            };
        };
        responses: {
            /** @description queued; the Location header names it */
            202: {
                headers: {
                    /** @description `true` when this is the stored answer to the key's first request, replayed */
                    "Idempotent-Replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        createdAt: string;
                        error: string | null;
                        finishedAt: string | null;
                        /** Format: uuid */
                        id: string;
                        request: {
                            agents: number;
                            figures: {
                                [key: string]: number;
                            };
                            hours: number;
                            measuredDays: number;
                            ringTimeoutSeconds: number | null;
                            seed: string;
                            skill: string;
                            strategies: {
                                kind: string;
                                ratio?: number;
                            }[] | null;
                        };
                        result: {
                            figures: {
                                answerRate: {
                                    /** @enum {string} */
                                    source: "measured" | "given" | "default";
                                    value: number;
                                };
                                patienceSecondsMean: {
                                    /** @enum {string} */
                                    source: "measured" | "given" | "default";
                                    value: number;
                                };
                                ringSecondsMean: {
                                    /** @enum {string} */
                                    source: "measured" | "given" | "default";
                                    value: number;
                                };
                                talkSecondsMean: {
                                    /** @enum {string} */
                                    source: "measured" | "given" | "default";
                                    value: number;
                                };
                                wrapUpSecondsMean: {
                                    /** @enum {string} */
                                    source: "measured" | "given" | "default";
                                    value: number;
                                };
                            };
                            measured: {
                                days: number;
                                dials: number;
                                humanAnswers: number;
                                ringSecondsMean: number | null;
                                talkSecondsMean: number | null;
                                wrapUpSecondsMean: number | null;
                            };
                            outcomes: {
                                abandoned: number;
                                abandonRate: number;
                                answered: number;
                                dials: number;
                                dialsPerAgentHour: number;
                                hourlyAbandonRates: number[];
                                occupancy: number;
                                strategy: string;
                                waitSeconds: {
                                    p50: number;
                                    p95: number;
                                    p99: number;
                                };
                                worstHourAbandonRate: number;
                            }[];
                            pacing: {
                                connectThresholdSeconds: number;
                                maxAbandonRate: number;
                                maxLinesPerAgent: number;
                                minAgents: number;
                                minDialSamples: number;
                                ringTimeoutSeconds: number;
                                targetAbandonRate: number;
                            };
                            wallMilliseconds: number;
                        } | null;
                        startedAt: string | null;
                        /** @enum {string} */
                        status: "queued" | "running" | "done" | "failed";
                    };
                };
            };
            /** @description invalid_request: the request is not valid (errors[] names each field), or its body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description idempotency_key_reused (same key, another body) or idempotency_request_in_flight (retry later) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description 2 simulations of the tenant are still open (Retry-After) */
            429: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    PacingSimulationsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the simulation */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        createdAt: string;
                        error: string | null;
                        finishedAt: string | null;
                        /** Format: uuid */
                        id: string;
                        request: {
                            agents: number;
                            figures: {
                                [key: string]: number;
                            };
                            hours: number;
                            measuredDays: number;
                            ringTimeoutSeconds: number | null;
                            seed: string;
                            skill: string;
                            strategies: {
                                kind: string;
                                ratio?: number;
                            }[] | null;
                        };
                        result: {
                            figures: {
                                answerRate: {
                                    /** @enum {string} */
                                    source: "measured" | "given" | "default";
                                    value: number;
                                };
                                patienceSecondsMean: {
                                    /** @enum {string} */
                                    source: "measured" | "given" | "default";
                                    value: number;
                                };
                                ringSecondsMean: {
                                    /** @enum {string} */
                                    source: "measured" | "given" | "default";
                                    value: number;
                                };
                                talkSecondsMean: {
                                    /** @enum {string} */
                                    source: "measured" | "given" | "default";
                                    value: number;
                                };
                                wrapUpSecondsMean: {
                                    /** @enum {string} */
                                    source: "measured" | "given" | "default";
                                    value: number;
                                };
                            };
                            measured: {
                                days: number;
                                dials: number;
                                humanAnswers: number;
                                ringSecondsMean: number | null;
                                talkSecondsMean: number | null;
                                wrapUpSecondsMean: number | null;
                            };
                            outcomes: {
                                abandoned: number;
                                abandonRate: number;
                                answered: number;
                                dials: number;
                                dialsPerAgentHour: number;
                                hourlyAbandonRates: number[];
                                occupancy: number;
                                strategy: string;
                                waitSeconds: {
                                    p50: number;
                                    p95: number;
                                    p99: number;
                                };
                                worstHourAbandonRate: number;
                            }[];
                            pacing: {
                                connectThresholdSeconds: number;
                                maxAbandonRate: number;
                                maxLinesPerAgent: number;
                                minAgents: number;
                                minDialSamples: number;
                                ringTimeoutSeconds: number;
                                targetAbandonRate: number;
                            };
                            wallMilliseconds: number;
                        } | null;
                        startedAt: string | null;
                        /** @enum {string} */
                        status: "queued" | "running" | "done" | "failed";
                    };
                };
            };
            /** @description invalid_request: the request is not valid (errors[] names each field), or its body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description not_found (or invalid_agent_id, invalid_contact_id): unknown id, or another tenant’s */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ContactsController_waiting: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                skill: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the waiting contacts, the next served first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            /** Format: date-time */
                            answeredAt: string;
                            /** Format: uuid */
                            autocallId: string;
                            /** Format: uuid */
                            contactId: string;
                            phoneNumber: string | null;
                            position: number;
                            reference: string | null;
                            waitingMs: number;
                        }[];
                        skill: string;
                    };
                };
            };
            /** @description invalid_request: the request is not valid (errors[] names each field), or its body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description not_found (or invalid_agent_id, invalid_contact_id): unknown id, or another tenant’s */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    SettingsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the settings, defaults included, secrets hidden */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @default 2592000 */
                        callbackOwnedMaxAheadSeconds: number;
                        /** @default 86400 */
                        callbackOwnershipWindowSeconds: number;
                        callStopCheck: {
                            hasSecret: boolean;
                            /**
                             * @default skip
                             * @enum {string}
                             */
                            onError: "skip" | "dial";
                            /** @default 2000 */
                            timeoutMs: number;
                            /** Format: uri */
                            url: string;
                        } | null;
                        /**
                         * @default {
                         *       "callingWindow": null,
                         *       "minRingSeconds": null,
                         *       "redialAfterAbandonSeconds": null,
                         *       "maxAttemptsPerNumberPerDay": null,
                         *       "abandonWindowSeconds": null,
                         *       "connectThresholdSeconds": null,
                         *       "abandonMessage": null,
                         *       "fallbackTimeZone": null,
                         *       "abandonScope": null
                         *     }
                         */
                        compliance: {
                            /** @default null */
                            abandonMessage: string | null;
                            /** @default null */
                            abandonScope: ("campaign" | "tenant") | null;
                            /** @default null */
                            abandonWindowSeconds: number | null;
                            /** @default null */
                            callingWindow: {
                                /**
                                 * @default [
                                 *       1,
                                 *       2,
                                 *       3,
                                 *       4,
                                 *       5,
                                 *       6,
                                 *       7
                                 *     ]
                                 */
                                days: number[];
                                end: string;
                                start: string;
                            } | null;
                            /** @default null */
                            connectThresholdSeconds: number | null;
                            /** @default null */
                            fallbackTimeZone: string | null;
                            /** @default null */
                            maxAttemptsPerNumberPerDay: number | null;
                            /** @default null */
                            minRingSeconds: number | null;
                            /** @default null */
                            redialAfterAbandonSeconds: number | null;
                        };
                        /**
                         * @default us
                         * @enum {string}
                         */
                        complianceRegime: "us" | "uk" | "jp";
                        /** @default null */
                        defaultCountry: string | null;
                        /** @default 5 */
                        maxTrunkReturns: number;
                        /**
                         * @default {
                         *       "maxAbandonRate": 0.03,
                         *       "targetAbandonRate": 0.02,
                         *       "maxLinesPerAgent": 3,
                         *       "minDialSamples": 50,
                         *       "minAgents": 3
                         *     }
                         */
                        pacing: {
                            /** @default 0.03 */
                            maxAbandonRate: number;
                            /** @default 3 */
                            maxLinesPerAgent: number;
                            /** @default 3 */
                            minAgents: number;
                            /** @default 50 */
                            minDialSamples: number;
                            /** @default 0.02 */
                            targetAbandonRate: number;
                        };
                        /** @default {} */
                        pacingBySkill: {
                            [key: string]: {
                                /** @default 0.03 */
                                maxAbandonRate: number;
                                /** @default 3 */
                                maxLinesPerAgent: number;
                                /** @default 3 */
                                minAgents: number;
                                /** @default 50 */
                                minDialSamples: number;
                                /** @default 0.02 */
                                targetAbandonRate: number;
                            };
                        };
                        /** @default false */
                        requireDisposition: boolean;
                        /** @default 90 */
                        retentionDays: number;
                        /**
                         * @default finish
                         * @enum {string}
                         */
                        terminateSessionLiveCall: "finish" | "end";
                        /** @default 60 */
                        wrapUpSeconds: number;
                    };
                };
            };
            /** @description invalid_request: the request is not valid (errors[] names each field), or its body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    SettingsController_update: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    callbackOwnedMaxAheadSeconds?: number | null;
                    callbackOwnershipWindowSeconds?: number | null;
                    callStopCheck?: {
                        /**
                         * @default skip
                         * @enum {string}
                         */
                        onError?: "skip" | "dial";
                        secret?: string;
                        /** @default 2000 */
                        timeoutMs?: number;
                        /** Format: uri */
                        url: string;
                    } | null;
                    compliance?: {
                        /** @default null */
                        abandonMessage?: string | null;
                        /** @default null */
                        abandonScope?: ("campaign" | "tenant") | null;
                        /** @default null */
                        abandonWindowSeconds?: number | null;
                        /** @default null */
                        callingWindow?: {
                            /**
                             * @default [
                             *       1,
                             *       2,
                             *       3,
                             *       4,
                             *       5,
                             *       6,
                             *       7
                             *     ]
                             */
                            days?: number[];
                            end: string;
                            start: string;
                        } | null;
                        /** @default null */
                        connectThresholdSeconds?: number | null;
                        /** @default null */
                        fallbackTimeZone?: string | null;
                        /** @default null */
                        maxAttemptsPerNumberPerDay?: number | null;
                        /** @default null */
                        minRingSeconds?: number | null;
                        /** @default null */
                        redialAfterAbandonSeconds?: number | null;
                    } | null;
                    complianceRegime?: ("us" | "uk" | "jp") | null;
                    defaultCountry?: string | null;
                    maxTrunkReturns?: number | null;
                    pacing?: {
                        /** @default 0.03 */
                        maxAbandonRate?: number;
                        /** @default 3 */
                        maxLinesPerAgent?: number;
                        /** @default 3 */
                        minAgents?: number;
                        /** @default 50 */
                        minDialSamples?: number;
                        /** @default 0.02 */
                        targetAbandonRate?: number;
                    } | null;
                    pacingBySkill?: {
                        [key: string]: {
                            /** @default 0.03 */
                            maxAbandonRate?: number;
                            /** @default 3 */
                            maxLinesPerAgent?: number;
                            /** @default 3 */
                            minAgents?: number;
                            /** @default 50 */
                            minDialSamples?: number;
                            /** @default 0.02 */
                            targetAbandonRate?: number;
                        };
                    } | null;
                    requireDisposition?: boolean | null;
                    retentionDays?: number | null;
                    terminateSessionLiveCall?: ("finish" | "end") | null;
                    wrapUpSeconds?: number | null;
                };
            };
        };
        responses: {
            /** @description the settings as changed, defaults included, secrets hidden */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @default 2592000 */
                        callbackOwnedMaxAheadSeconds: number;
                        /** @default 86400 */
                        callbackOwnershipWindowSeconds: number;
                        callStopCheck: {
                            hasSecret: boolean;
                            /**
                             * @default skip
                             * @enum {string}
                             */
                            onError: "skip" | "dial";
                            /** @default 2000 */
                            timeoutMs: number;
                            /** Format: uri */
                            url: string;
                        } | null;
                        /**
                         * @default {
                         *       "callingWindow": null,
                         *       "minRingSeconds": null,
                         *       "redialAfterAbandonSeconds": null,
                         *       "maxAttemptsPerNumberPerDay": null,
                         *       "abandonWindowSeconds": null,
                         *       "connectThresholdSeconds": null,
                         *       "abandonMessage": null,
                         *       "fallbackTimeZone": null,
                         *       "abandonScope": null
                         *     }
                         */
                        compliance: {
                            /** @default null */
                            abandonMessage: string | null;
                            /** @default null */
                            abandonScope: ("campaign" | "tenant") | null;
                            /** @default null */
                            abandonWindowSeconds: number | null;
                            /** @default null */
                            callingWindow: {
                                /**
                                 * @default [
                                 *       1,
                                 *       2,
                                 *       3,
                                 *       4,
                                 *       5,
                                 *       6,
                                 *       7
                                 *     ]
                                 */
                                days: number[];
                                end: string;
                                start: string;
                            } | null;
                            /** @default null */
                            connectThresholdSeconds: number | null;
                            /** @default null */
                            fallbackTimeZone: string | null;
                            /** @default null */
                            maxAttemptsPerNumberPerDay: number | null;
                            /** @default null */
                            minRingSeconds: number | null;
                            /** @default null */
                            redialAfterAbandonSeconds: number | null;
                        };
                        /**
                         * @default us
                         * @enum {string}
                         */
                        complianceRegime: "us" | "uk" | "jp";
                        /** @default null */
                        defaultCountry: string | null;
                        /** @default 5 */
                        maxTrunkReturns: number;
                        /**
                         * @default {
                         *       "maxAbandonRate": 0.03,
                         *       "targetAbandonRate": 0.02,
                         *       "maxLinesPerAgent": 3,
                         *       "minDialSamples": 50,
                         *       "minAgents": 3
                         *     }
                         */
                        pacing: {
                            /** @default 0.03 */
                            maxAbandonRate: number;
                            /** @default 3 */
                            maxLinesPerAgent: number;
                            /** @default 3 */
                            minAgents: number;
                            /** @default 50 */
                            minDialSamples: number;
                            /** @default 0.02 */
                            targetAbandonRate: number;
                        };
                        /** @default {} */
                        pacingBySkill: {
                            [key: string]: {
                                /** @default 0.03 */
                                maxAbandonRate: number;
                                /** @default 3 */
                                maxLinesPerAgent: number;
                                /** @default 3 */
                                minAgents: number;
                                /** @default 50 */
                                minDialSamples: number;
                                /** @default 0.02 */
                                targetAbandonRate: number;
                            };
                        };
                        /** @default false */
                        requireDisposition: boolean;
                        /** @default 90 */
                        retentionDays: number;
                        /**
                         * @default finish
                         * @enum {string}
                         */
                        terminateSessionLiveCall: "finish" | "end";
                        /** @default 60 */
                        wrapUpSeconds: number;
                    };
                };
            };
            /** @description invalid_request: the request is not valid (errors[] names each field), or its body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    TrunksController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the trunks, without their passwords */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            callerIds: string[];
                            callsPerSecond: number;
                            channels: number;
                            /** Format: date-time */
                            createdAt: string;
                            hasPassword: boolean;
                            /** Format: uuid */
                            id: string;
                            name: string;
                            overloadPauseSeconds: number;
                            priority: number;
                            target: string;
                            /** @enum {string} */
                            transport: "udp" | "tcp" | "tls";
                            /** Format: date-time */
                            updatedAt: string;
                            username: string | null;
                        }[];
                    };
                };
            };
            /** @description invalid_request: the request is not valid (errors[] names each field), or its body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    TrunksController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @default [] */
                    callerIds?: string[];
                    callsPerSecond: number;
                    channels: number;
                    name: string;
                    /** @default 2 */
                    overloadPauseSeconds?: number;
                    /** @default null */
                    password?: string | null;
                    /** @default 0 */
                    priority?: number;
                    target: string;
                    /**
                     * @default udp
                     * @enum {string}
                     */
                    transport?: "udp" | "tcp" | "tls";
                    /** @default null */
                    username?: string | null;
                };
            };
        };
        responses: {
            /** @description the trunk, without its password */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        callerIds: string[];
                        callsPerSecond: number;
                        channels: number;
                        /** Format: date-time */
                        createdAt: string;
                        hasPassword: boolean;
                        /** Format: uuid */
                        id: string;
                        name: string;
                        overloadPauseSeconds: number;
                        priority: number;
                        target: string;
                        /** @enum {string} */
                        transport: "udp" | "tcp" | "tls";
                        /** Format: date-time */
                        updatedAt: string;
                        username: string | null;
                    };
                };
            };
            /** @description invalid_request: the request is not valid (errors[] names each field), or its body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the tenant has a trunk of this name already */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    TrunksController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the trunk, without its password */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        callerIds: string[];
                        callsPerSecond: number;
                        channels: number;
                        /** Format: date-time */
                        createdAt: string;
                        hasPassword: boolean;
                        /** Format: uuid */
                        id: string;
                        name: string;
                        overloadPauseSeconds: number;
                        priority: number;
                        target: string;
                        /** @enum {string} */
                        transport: "udp" | "tcp" | "tls";
                        /** Format: date-time */
                        updatedAt: string;
                        username: string | null;
                    };
                };
            };
            /** @description invalid_request: the request is not valid (errors[] names each field), or its body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description not_found (or invalid_agent_id, invalid_contact_id): unknown id, or another tenant’s */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    TrunksController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description invalid_request: the request is not valid (errors[] names each field), or its body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description not_found (or invalid_agent_id, invalid_contact_id): unknown id, or another tenant’s */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the trunk carries calls now */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    TrunksController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    callerIds?: string[];
                    callsPerSecond?: number;
                    channels?: number;
                    name?: string;
                    overloadPauseSeconds?: number;
                    password?: string | null;
                    priority?: number;
                    target?: string;
                    /** @enum {string} */
                    transport?: "udp" | "tcp" | "tls";
                    username?: string | null;
                };
            };
        };
        responses: {
            /** @description the trunk as changed, without its password */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        callerIds: string[];
                        callsPerSecond: number;
                        channels: number;
                        /** Format: date-time */
                        createdAt: string;
                        hasPassword: boolean;
                        /** Format: uuid */
                        id: string;
                        name: string;
                        overloadPauseSeconds: number;
                        priority: number;
                        target: string;
                        /** @enum {string} */
                        transport: "udp" | "tcp" | "tls";
                        /** Format: date-time */
                        updatedAt: string;
                        username: string | null;
                    };
                };
            };
            /** @description invalid_request: the request is not valid (errors[] names each field), or its body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description not_found (or invalid_agent_id, invalid_contact_id): unknown id, or another tenant’s */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the tenant has another trunk of this name */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    WebhookDeliveriesController_list: {
        parameters: {
            query?: {
                cursor?: string;
                endpointId?: string;
                eventId?: string;
                eventType?: "autocall.target.completed" | "autocall.completed" | "contact.status_changed" | "contact.disposition_set" | "agent.session_terminated" | "callback.scheduled" | "callback.due" | "callback.completed" | "callback.cancelled";
                limit?: number;
                since?: string;
                status?: "pending" | "delivered" | "failed";
                until?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description deliveries, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            attempts: number;
                            /** Format: date-time */
                            createdAt: string;
                            deliveredAt: string | null;
                            /** Format: uuid */
                            endpointId: string;
                            /** Format: uuid */
                            eventId: string;
                            /** @enum {string} */
                            eventType: "autocall.target.completed" | "autocall.completed" | "contact.status_changed" | "contact.disposition_set" | "agent.session_terminated" | "callback.scheduled" | "callback.due" | "callback.completed" | "callback.cancelled";
                            failedAt: string | null;
                            /** Format: uuid */
                            id: string;
                            lastError: string | null;
                            lastStatus: number | null;
                            nextAttemptAt: string | null;
                            /** @enum {string} */
                            status: "pending" | "delivered" | "failed";
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description invalid_request: the request is not valid (errors[] names each field), or its body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    WebhookDeliveriesController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the delivery, its event and its attempts */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        attemptLog: {
                            attempt: number;
                            durationMs: number;
                            error: string | null;
                            responseExcerpt: string | null;
                            /** Format: date-time */
                            startedAt: string;
                            statusCode: number | null;
                        }[];
                        attempts: number;
                        /** Format: date-time */
                        createdAt: string;
                        deliveredAt: string | null;
                        /** Format: uuid */
                        endpointId: string;
                        event: {
                            /** Format: date-time */
                            createdAt: string;
                            data: {
                                [key: string]: unknown;
                            };
                            /** Format: uuid */
                            id: string;
                            /** Format: uuid */
                            tenantId: string;
                            /** @enum {string} */
                            type: "autocall.target.completed" | "autocall.completed" | "contact.status_changed" | "contact.disposition_set" | "agent.session_terminated" | "callback.scheduled" | "callback.due" | "callback.completed" | "callback.cancelled";
                        };
                        /** Format: uuid */
                        eventId: string;
                        /** @enum {string} */
                        eventType: "autocall.target.completed" | "autocall.completed" | "contact.status_changed" | "contact.disposition_set" | "agent.session_terminated" | "callback.scheduled" | "callback.due" | "callback.completed" | "callback.cancelled";
                        failedAt: string | null;
                        /** Format: uuid */
                        id: string;
                        lastError: string | null;
                        lastStatus: number | null;
                        nextAttemptAt: string | null;
                        /** @enum {string} */
                        status: "pending" | "delivered" | "failed";
                    };
                };
            };
            /** @description invalid_request: the request is not valid (errors[] names each field), or its body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description not_found (or invalid_agent_id, invalid_contact_id): unknown id, or another tenant’s */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    WebhookDeliveriesController_retry: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the delivery is queued again */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        attemptLog: {
                            attempt: number;
                            durationMs: number;
                            error: string | null;
                            responseExcerpt: string | null;
                            /** Format: date-time */
                            startedAt: string;
                            statusCode: number | null;
                        }[];
                        attempts: number;
                        /** Format: date-time */
                        createdAt: string;
                        deliveredAt: string | null;
                        /** Format: uuid */
                        endpointId: string;
                        event: {
                            /** Format: date-time */
                            createdAt: string;
                            data: {
                                [key: string]: unknown;
                            };
                            /** Format: uuid */
                            id: string;
                            /** Format: uuid */
                            tenantId: string;
                            /** @enum {string} */
                            type: "autocall.target.completed" | "autocall.completed" | "contact.status_changed" | "contact.disposition_set" | "agent.session_terminated" | "callback.scheduled" | "callback.due" | "callback.completed" | "callback.cancelled";
                        };
                        /** Format: uuid */
                        eventId: string;
                        /** @enum {string} */
                        eventType: "autocall.target.completed" | "autocall.completed" | "contact.status_changed" | "contact.disposition_set" | "agent.session_terminated" | "callback.scheduled" | "callback.due" | "callback.completed" | "callback.cancelled";
                        failedAt: string | null;
                        /** Format: uuid */
                        id: string;
                        lastError: string | null;
                        lastStatus: number | null;
                        nextAttemptAt: string | null;
                        /** @enum {string} */
                        status: "pending" | "delivered" | "failed";
                    };
                };
            };
            /** @description invalid_request: a body that is not JSON, or neither an object nor an array (this operation reads none) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description not_found (or invalid_agent_id, invalid_contact_id): unknown id, or another tenant’s */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the delivery is pending already, or its endpoint is disabled */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    WebhookEndpointsController_list: {
        parameters: {
            query?: {
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the endpoints, without their secrets */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            /** Format: date-time */
                            createdAt: string;
                            description: string | null;
                            disabledReason: ("by_request" | "gone") | null;
                            enabled: boolean;
                            eventTypes: ("autocall.target.completed" | "autocall.completed" | "contact.status_changed" | "contact.disposition_set" | "agent.session_terminated" | "callback.scheduled" | "callback.due" | "callback.completed" | "callback.cancelled")[];
                            /** Format: uuid */
                            id: string;
                            previousSecretExpiresAt: string | null;
                            /** Format: date-time */
                            updatedAt: string;
                            url: string;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description invalid_request: the request is not valid (errors[] names each field), or its body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    WebhookEndpointsController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    description?: string;
                    eventTypes?: ("autocall.target.completed" | "autocall.completed" | "contact.status_changed" | "contact.disposition_set" | "agent.session_terminated" | "callback.scheduled" | "callback.due" | "callback.completed" | "callback.cancelled")[];
                    url: string;
                };
            };
        };
        responses: {
            /** @description registered: the endpoint and its secret, shown this once */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        createdAt: string;
                        description: string | null;
                        disabledReason: ("by_request" | "gone") | null;
                        enabled: boolean;
                        eventTypes: ("autocall.target.completed" | "autocall.completed" | "contact.status_changed" | "contact.disposition_set" | "agent.session_terminated" | "callback.scheduled" | "callback.due" | "callback.completed" | "callback.cancelled")[];
                        /** Format: uuid */
                        id: string;
                        previousSecretExpiresAt: string | null;
                        secret: string;
                        /** Format: date-time */
                        updatedAt: string;
                        url: string;
                    };
                };
            };
            /** @description invalid_request: the request is not valid (errors[] names each field), or its body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    WebhookEndpointsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the endpoint, without its secret */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        createdAt: string;
                        description: string | null;
                        disabledReason: ("by_request" | "gone") | null;
                        enabled: boolean;
                        eventTypes: ("autocall.target.completed" | "autocall.completed" | "contact.status_changed" | "contact.disposition_set" | "agent.session_terminated" | "callback.scheduled" | "callback.due" | "callback.completed" | "callback.cancelled")[];
                        /** Format: uuid */
                        id: string;
                        previousSecretExpiresAt: string | null;
                        /** Format: date-time */
                        updatedAt: string;
                        url: string;
                    };
                };
            };
            /** @description invalid_request: the request is not valid (errors[] names each field), or its body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description not_found (or invalid_agent_id, invalid_contact_id): unknown id, or another tenant’s */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    WebhookEndpointsController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description deleted, with its delivery log */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description invalid_request: the request is not valid (errors[] names each field), or its body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description not_found (or invalid_agent_id, invalid_contact_id): unknown id, or another tenant’s */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    WebhookEndpointsController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    description?: string | null;
                    enabled?: boolean;
                    eventTypes?: ("autocall.target.completed" | "autocall.completed" | "contact.status_changed" | "contact.disposition_set" | "agent.session_terminated" | "callback.scheduled" | "callback.due" | "callback.completed" | "callback.cancelled")[];
                    url?: string;
                };
            };
        };
        responses: {
            /** @description changed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        createdAt: string;
                        description: string | null;
                        disabledReason: ("by_request" | "gone") | null;
                        enabled: boolean;
                        eventTypes: ("autocall.target.completed" | "autocall.completed" | "contact.status_changed" | "contact.disposition_set" | "agent.session_terminated" | "callback.scheduled" | "callback.due" | "callback.completed" | "callback.cancelled")[];
                        /** Format: uuid */
                        id: string;
                        previousSecretExpiresAt: string | null;
                        /** Format: date-time */
                        updatedAt: string;
                        url: string;
                    };
                };
            };
            /** @description invalid_request: the request is not valid (errors[] names each field), or its body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description not_found (or invalid_agent_id, invalid_contact_id): unknown id, or another tenant’s */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    WebhookEndpointsController_rotate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @default 86400 */
                    previousSecretValidSeconds?: number;
                };
            };
        };
        responses: {
            /** @description the endpoint and its new secret, shown this once */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        createdAt: string;
                        description: string | null;
                        disabledReason: ("by_request" | "gone") | null;
                        enabled: boolean;
                        eventTypes: ("autocall.target.completed" | "autocall.completed" | "contact.status_changed" | "contact.disposition_set" | "agent.session_terminated" | "callback.scheduled" | "callback.due" | "callback.completed" | "callback.cancelled")[];
                        /** Format: uuid */
                        id: string;
                        previousSecretExpiresAt: string | null;
                        secret: string;
                        /** Format: date-time */
                        updatedAt: string;
                        url: string;
                    };
                };
            };
            /** @description invalid_request: the request is not valid (errors[] names each field), or its body is not JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid_security_user: missing, unknown or revoked API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description unauthorized: the key's role may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description not_found (or invalid_agent_id, invalid_contact_id): unknown id, or another tenant’s */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description payload_too_large: the body is larger than this endpoint accepts */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description service_unavailable: PostgreSQL or Redis unreachable; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before trying again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    WebhookAgentSessionTerminated: {
        parameters: {
            query?: never;
            header: {
                /** @description The event's id (the body's `id`): the same on every retry of the event, the key to drop duplicates (delivery is at least once). Part of the signed content. */
                "webhook-id": string;
                /** @description Standard Webhooks signatures: `v1,<base64 HMAC-SHA256>` of `{webhook-id}.{webhook-timestamp}.{raw body}`, keyed with the endpoint's secret (the bytes of the base64 after `whsec_`). During a secret rotation one signature per valid secret, space-separated: accept the delivery when any of them matches (compare in constant time). Any Standard Webhooks library verifies them, e.g. `new Webhook(secret).verify(rawBody, headers)` of the `standardwebhooks` npm package. */
                "webhook-signature": string;
                /** @description When this attempt was sent, in Unix seconds. Part of the signed content; reject attempts too far from your clock to defeat replays. */
                "webhook-timestamp": string;
            };
            path?: never;
            cookie?: never;
        };
        /** @description The event (envelope `{id, type, createdAt, tenantId, data}`), signed per Standard Webhooks. */
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookAgentSessionTerminated"];
            };
        };
        responses: {
            /** @description Any 2xx acknowledges the delivery (answer quickly; process later). The body is ignored. */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Gone: the delivery fails and the endpoint is disabled (never called again until enabled). */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Timeouts (10 s by default), network errors, 408, 429 and 5xx are retried: the first attempt is sent at once, the next ones 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h after the one before (WEBHOOK_RETRY_SCHEDULE; a longer Retry-After is honoured, up to a day), then the delivery is `failed` (it can be retried by hand: POST /v1/webhook-deliveries/{id}/retry). Any other status (3xx: redirects are not followed, 4xx) fails the delivery at once. Every attempt is recorded: GET /v1/webhook-deliveries. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    WebhookAutocallCompleted: {
        parameters: {
            query?: never;
            header: {
                /** @description The event's id (the body's `id`): the same on every retry of the event, the key to drop duplicates (delivery is at least once). Part of the signed content. */
                "webhook-id": string;
                /** @description Standard Webhooks signatures: `v1,<base64 HMAC-SHA256>` of `{webhook-id}.{webhook-timestamp}.{raw body}`, keyed with the endpoint's secret (the bytes of the base64 after `whsec_`). During a secret rotation one signature per valid secret, space-separated: accept the delivery when any of them matches (compare in constant time). Any Standard Webhooks library verifies them, e.g. `new Webhook(secret).verify(rawBody, headers)` of the `standardwebhooks` npm package. */
                "webhook-signature": string;
                /** @description When this attempt was sent, in Unix seconds. Part of the signed content; reject attempts too far from your clock to defeat replays. */
                "webhook-timestamp": string;
            };
            path?: never;
            cookie?: never;
        };
        /** @description The event (envelope `{id, type, createdAt, tenantId, data}`), signed per Standard Webhooks. */
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookAutocallCompleted"];
            };
        };
        responses: {
            /** @description Any 2xx acknowledges the delivery (answer quickly; process later). The body is ignored. */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Gone: the delivery fails and the endpoint is disabled (never called again until enabled). */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Timeouts (10 s by default), network errors, 408, 429 and 5xx are retried: the first attempt is sent at once, the next ones 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h after the one before (WEBHOOK_RETRY_SCHEDULE; a longer Retry-After is honoured, up to a day), then the delivery is `failed` (it can be retried by hand: POST /v1/webhook-deliveries/{id}/retry). Any other status (3xx: redirects are not followed, 4xx) fails the delivery at once. Every attempt is recorded: GET /v1/webhook-deliveries. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    WebhookAutocallTargetCompleted: {
        parameters: {
            query?: never;
            header: {
                /** @description The event's id (the body's `id`): the same on every retry of the event, the key to drop duplicates (delivery is at least once). Part of the signed content. */
                "webhook-id": string;
                /** @description Standard Webhooks signatures: `v1,<base64 HMAC-SHA256>` of `{webhook-id}.{webhook-timestamp}.{raw body}`, keyed with the endpoint's secret (the bytes of the base64 after `whsec_`). During a secret rotation one signature per valid secret, space-separated: accept the delivery when any of them matches (compare in constant time). Any Standard Webhooks library verifies them, e.g. `new Webhook(secret).verify(rawBody, headers)` of the `standardwebhooks` npm package. */
                "webhook-signature": string;
                /** @description When this attempt was sent, in Unix seconds. Part of the signed content; reject attempts too far from your clock to defeat replays. */
                "webhook-timestamp": string;
            };
            path?: never;
            cookie?: never;
        };
        /** @description The event (envelope `{id, type, createdAt, tenantId, data}`), signed per Standard Webhooks. */
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookAutocallTargetCompleted"];
            };
        };
        responses: {
            /** @description Any 2xx acknowledges the delivery (answer quickly; process later). The body is ignored. */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Gone: the delivery fails and the endpoint is disabled (never called again until enabled). */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Timeouts (10 s by default), network errors, 408, 429 and 5xx are retried: the first attempt is sent at once, the next ones 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h after the one before (WEBHOOK_RETRY_SCHEDULE; a longer Retry-After is honoured, up to a day), then the delivery is `failed` (it can be retried by hand: POST /v1/webhook-deliveries/{id}/retry). Any other status (3xx: redirects are not followed, 4xx) fails the delivery at once. Every attempt is recorded: GET /v1/webhook-deliveries. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    WebhookCallbackCancelled: {
        parameters: {
            query?: never;
            header: {
                /** @description The event's id (the body's `id`): the same on every retry of the event, the key to drop duplicates (delivery is at least once). Part of the signed content. */
                "webhook-id": string;
                /** @description Standard Webhooks signatures: `v1,<base64 HMAC-SHA256>` of `{webhook-id}.{webhook-timestamp}.{raw body}`, keyed with the endpoint's secret (the bytes of the base64 after `whsec_`). During a secret rotation one signature per valid secret, space-separated: accept the delivery when any of them matches (compare in constant time). Any Standard Webhooks library verifies them, e.g. `new Webhook(secret).verify(rawBody, headers)` of the `standardwebhooks` npm package. */
                "webhook-signature": string;
                /** @description When this attempt was sent, in Unix seconds. Part of the signed content; reject attempts too far from your clock to defeat replays. */
                "webhook-timestamp": string;
            };
            path?: never;
            cookie?: never;
        };
        /** @description The event (envelope `{id, type, createdAt, tenantId, data}`), signed per Standard Webhooks. */
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookCallbackCancelled"];
            };
        };
        responses: {
            /** @description Any 2xx acknowledges the delivery (answer quickly; process later). The body is ignored. */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Gone: the delivery fails and the endpoint is disabled (never called again until enabled). */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Timeouts (10 s by default), network errors, 408, 429 and 5xx are retried: the first attempt is sent at once, the next ones 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h after the one before (WEBHOOK_RETRY_SCHEDULE; a longer Retry-After is honoured, up to a day), then the delivery is `failed` (it can be retried by hand: POST /v1/webhook-deliveries/{id}/retry). Any other status (3xx: redirects are not followed, 4xx) fails the delivery at once. Every attempt is recorded: GET /v1/webhook-deliveries. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    WebhookCallbackCompleted: {
        parameters: {
            query?: never;
            header: {
                /** @description The event's id (the body's `id`): the same on every retry of the event, the key to drop duplicates (delivery is at least once). Part of the signed content. */
                "webhook-id": string;
                /** @description Standard Webhooks signatures: `v1,<base64 HMAC-SHA256>` of `{webhook-id}.{webhook-timestamp}.{raw body}`, keyed with the endpoint's secret (the bytes of the base64 after `whsec_`). During a secret rotation one signature per valid secret, space-separated: accept the delivery when any of them matches (compare in constant time). Any Standard Webhooks library verifies them, e.g. `new Webhook(secret).verify(rawBody, headers)` of the `standardwebhooks` npm package. */
                "webhook-signature": string;
                /** @description When this attempt was sent, in Unix seconds. Part of the signed content; reject attempts too far from your clock to defeat replays. */
                "webhook-timestamp": string;
            };
            path?: never;
            cookie?: never;
        };
        /** @description The event (envelope `{id, type, createdAt, tenantId, data}`), signed per Standard Webhooks. */
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookCallbackCompleted"];
            };
        };
        responses: {
            /** @description Any 2xx acknowledges the delivery (answer quickly; process later). The body is ignored. */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Gone: the delivery fails and the endpoint is disabled (never called again until enabled). */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Timeouts (10 s by default), network errors, 408, 429 and 5xx are retried: the first attempt is sent at once, the next ones 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h after the one before (WEBHOOK_RETRY_SCHEDULE; a longer Retry-After is honoured, up to a day), then the delivery is `failed` (it can be retried by hand: POST /v1/webhook-deliveries/{id}/retry). Any other status (3xx: redirects are not followed, 4xx) fails the delivery at once. Every attempt is recorded: GET /v1/webhook-deliveries. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    WebhookCallbackDue: {
        parameters: {
            query?: never;
            header: {
                /** @description The event's id (the body's `id`): the same on every retry of the event, the key to drop duplicates (delivery is at least once). Part of the signed content. */
                "webhook-id": string;
                /** @description Standard Webhooks signatures: `v1,<base64 HMAC-SHA256>` of `{webhook-id}.{webhook-timestamp}.{raw body}`, keyed with the endpoint's secret (the bytes of the base64 after `whsec_`). During a secret rotation one signature per valid secret, space-separated: accept the delivery when any of them matches (compare in constant time). Any Standard Webhooks library verifies them, e.g. `new Webhook(secret).verify(rawBody, headers)` of the `standardwebhooks` npm package. */
                "webhook-signature": string;
                /** @description When this attempt was sent, in Unix seconds. Part of the signed content; reject attempts too far from your clock to defeat replays. */
                "webhook-timestamp": string;
            };
            path?: never;
            cookie?: never;
        };
        /** @description The event (envelope `{id, type, createdAt, tenantId, data}`), signed per Standard Webhooks. */
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookCallbackDue"];
            };
        };
        responses: {
            /** @description Any 2xx acknowledges the delivery (answer quickly; process later). The body is ignored. */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Gone: the delivery fails and the endpoint is disabled (never called again until enabled). */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Timeouts (10 s by default), network errors, 408, 429 and 5xx are retried: the first attempt is sent at once, the next ones 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h after the one before (WEBHOOK_RETRY_SCHEDULE; a longer Retry-After is honoured, up to a day), then the delivery is `failed` (it can be retried by hand: POST /v1/webhook-deliveries/{id}/retry). Any other status (3xx: redirects are not followed, 4xx) fails the delivery at once. Every attempt is recorded: GET /v1/webhook-deliveries. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    WebhookCallbackScheduled: {
        parameters: {
            query?: never;
            header: {
                /** @description The event's id (the body's `id`): the same on every retry of the event, the key to drop duplicates (delivery is at least once). Part of the signed content. */
                "webhook-id": string;
                /** @description Standard Webhooks signatures: `v1,<base64 HMAC-SHA256>` of `{webhook-id}.{webhook-timestamp}.{raw body}`, keyed with the endpoint's secret (the bytes of the base64 after `whsec_`). During a secret rotation one signature per valid secret, space-separated: accept the delivery when any of them matches (compare in constant time). Any Standard Webhooks library verifies them, e.g. `new Webhook(secret).verify(rawBody, headers)` of the `standardwebhooks` npm package. */
                "webhook-signature": string;
                /** @description When this attempt was sent, in Unix seconds. Part of the signed content; reject attempts too far from your clock to defeat replays. */
                "webhook-timestamp": string;
            };
            path?: never;
            cookie?: never;
        };
        /** @description The event (envelope `{id, type, createdAt, tenantId, data}`), signed per Standard Webhooks. */
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookCallbackScheduled"];
            };
        };
        responses: {
            /** @description Any 2xx acknowledges the delivery (answer quickly; process later). The body is ignored. */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Gone: the delivery fails and the endpoint is disabled (never called again until enabled). */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Timeouts (10 s by default), network errors, 408, 429 and 5xx are retried: the first attempt is sent at once, the next ones 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h after the one before (WEBHOOK_RETRY_SCHEDULE; a longer Retry-After is honoured, up to a day), then the delivery is `failed` (it can be retried by hand: POST /v1/webhook-deliveries/{id}/retry). Any other status (3xx: redirects are not followed, 4xx) fails the delivery at once. Every attempt is recorded: GET /v1/webhook-deliveries. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    WebhookContactDispositionSet: {
        parameters: {
            query?: never;
            header: {
                /** @description The event's id (the body's `id`): the same on every retry of the event, the key to drop duplicates (delivery is at least once). Part of the signed content. */
                "webhook-id": string;
                /** @description Standard Webhooks signatures: `v1,<base64 HMAC-SHA256>` of `{webhook-id}.{webhook-timestamp}.{raw body}`, keyed with the endpoint's secret (the bytes of the base64 after `whsec_`). During a secret rotation one signature per valid secret, space-separated: accept the delivery when any of them matches (compare in constant time). Any Standard Webhooks library verifies them, e.g. `new Webhook(secret).verify(rawBody, headers)` of the `standardwebhooks` npm package. */
                "webhook-signature": string;
                /** @description When this attempt was sent, in Unix seconds. Part of the signed content; reject attempts too far from your clock to defeat replays. */
                "webhook-timestamp": string;
            };
            path?: never;
            cookie?: never;
        };
        /** @description The event (envelope `{id, type, createdAt, tenantId, data}`), signed per Standard Webhooks. */
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookContactDispositionSet"];
            };
        };
        responses: {
            /** @description Any 2xx acknowledges the delivery (answer quickly; process later). The body is ignored. */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Gone: the delivery fails and the endpoint is disabled (never called again until enabled). */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Timeouts (10 s by default), network errors, 408, 429 and 5xx are retried: the first attempt is sent at once, the next ones 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h after the one before (WEBHOOK_RETRY_SCHEDULE; a longer Retry-After is honoured, up to a day), then the delivery is `failed` (it can be retried by hand: POST /v1/webhook-deliveries/{id}/retry). Any other status (3xx: redirects are not followed, 4xx) fails the delivery at once. Every attempt is recorded: GET /v1/webhook-deliveries. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    WebhookContactStatusChanged: {
        parameters: {
            query?: never;
            header: {
                /** @description The event's id (the body's `id`): the same on every retry of the event, the key to drop duplicates (delivery is at least once). Part of the signed content. */
                "webhook-id": string;
                /** @description Standard Webhooks signatures: `v1,<base64 HMAC-SHA256>` of `{webhook-id}.{webhook-timestamp}.{raw body}`, keyed with the endpoint's secret (the bytes of the base64 after `whsec_`). During a secret rotation one signature per valid secret, space-separated: accept the delivery when any of them matches (compare in constant time). Any Standard Webhooks library verifies them, e.g. `new Webhook(secret).verify(rawBody, headers)` of the `standardwebhooks` npm package. */
                "webhook-signature": string;
                /** @description When this attempt was sent, in Unix seconds. Part of the signed content; reject attempts too far from your clock to defeat replays. */
                "webhook-timestamp": string;
            };
            path?: never;
            cookie?: never;
        };
        /** @description The event (envelope `{id, type, createdAt, tenantId, data}`), signed per Standard Webhooks. */
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookContactStatusChanged"];
            };
        };
        responses: {
            /** @description Any 2xx acknowledges the delivery (answer quickly; process later). The body is ignored. */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Gone: the delivery fails and the endpoint is disabled (never called again until enabled). */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Timeouts (10 s by default), network errors, 408, 429 and 5xx are retried: the first attempt is sent at once, the next ones 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h after the one before (WEBHOOK_RETRY_SCHEDULE; a longer Retry-After is honoured, up to a day), then the delivery is `failed` (it can be retried by hand: POST /v1/webhook-deliveries/{id}/retry). Any other status (3xx: redirects are not followed, 4xx) fails the delivery at once. Every attempt is recorded: GET /v1/webhook-deliveries. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
}
