{{ config(
    materialized='incremental',
    unique_key='event_id',
    incremental_strategy=lead_scoring.incremental_strategy('delete+insert'),
    on_schema_change='append_new_columns'
) }}

{#- Usable events, one row per event_id (latest loaded_at wins), attributed to a contact
    directly or through raw.identities. Incremental on the raw batches changed since the last
    run (stg_raw__load_batches), whatever their loaded_at; anonymous events whose identity
    arrived (or changed) since the last run are re-attributed. processed_at marks the run that
    wrote a row: downstream models read only rows newer than their own, and is_first_version
    tells them which of those rows they cannot hold yet (so they read their stored rows only
    for events written again). -#}

{%- set progress = lead_scoring.staged_progress(this) if is_incremental()
    else lead_scoring.timestamp_literal('1900-01-01 00:00:00') %}

with arrived as (
    select
        event_id,
        contact_id as raw_contact_id,
        anonymous_id,
        event_type,
        occurred_at,
        channel,
        source,
        campaign_id,
        email_id,
        url,
        duration_seconds,
        amount,
        -- spaces around commas dropped; only lists (a comma) can have any, so only they pay the regex
        case
            when tags like '%,%' then {{ lead_scoring.regex_replace_all('tags', "'\\s*,\\s*'", "','") }}
            else tags
        end as tags,
        properties,
        loaded_at
    from {{ ref('base_raw__interactions') }}
    where
        rejection_reason is null
        -- a raw table without load stamps (another loader) is read whole on every build
        and {{ lead_scoring.changed_batches_filter(ref('stg_raw__load_batches'), 'interactions', progress) }}
),

{% if is_incremental() -%}
identified as (
    -- identities whose winning row was loaded since the last run: raw only grows, so these are
    -- the only anonymous ids whose contact can be new or different
    select
        anonymous_id,
        contact_id
    from {{ ref('stg_raw__identities') }}
    where {{ lead_scoring.changed_batches_filter(ref('stg_raw__load_batches'), 'identities', progress) }}
),

restitched_ids as (
    -- stored anonymous events whose identity is new or different now
    select stored.event_id
    from {{ this }} as stored
    inner join identified
        on stored.anonymous_id = identified.anonymous_id
    where
        stored.raw_contact_id is null
        and coalesce(stored.contact_id, '') <> coalesce(identified.contact_id, '')
),

outranked_ids as (
    -- ids that arrived in a batch stamped no later than the newest stored row: the stored
    -- version may be the newer one, so it is ranked again with the arrival
    select arrived.event_id
    from arrived
    where arrived.loaded_at <= {{ lead_scoring.loaded_watermark(this) }}
),

stored_ids as (
    -- arrivals whose id is stored already (replays, later versions): not first versions
    select stored.event_id
    from {{ this }} as stored
    where stored.event_id in (select arrived.event_id from arrived)
),

stored_candidates as (
    select
        stored.event_id,
        stored.raw_contact_id,
        stored.anonymous_id,
        stored.event_type,
        stored.occurred_at,
        stored.channel,
        stored.source,
        stored.campaign_id,
        stored.email_id,
        stored.url,
        stored.duration_seconds,
        stored.amount,
        stored.tags,
        stored.properties,
        stored.loaded_at
    from {{ this }} as stored
    -- a join, not `in (...) or in (...)`: with no such id (most runs) the stored events are not read
    inner join (
        select restitched_ids.event_id from restitched_ids
        union
        select outranked_ids.event_id from outranked_ids
    ) as ids
        on stored.event_id = ids.event_id
),
{%- endif %}

candidates as (
    select
        arrived.*,
        {{ 'stored_ids.event_id is not null' if is_incremental() else 'false' }} as was_stored
    from arrived
    {% if is_incremental() -%}
        left join stored_ids on arrived.event_id = stored_ids.event_id
        union all
        select
            stored_candidates.*,
            true as was_stored
        from stored_candidates
    {%- endif %}
),

repeated_ids as (
    -- event ids with more than one candidate row (replays): only these need ranking
    {{ lead_scoring.repeated_keys('candidates', 'event_id') }}
),

-- a first build ranks only repeated ids; an increment is small, and its candidates scan
-- the stored anonymous events, so it is ranked whole in one pass
latest as (
    {{ lead_scoring.rank_versions('candidates', 'repeated_ids', 'event_id',
        'loaded_at desc, occurred_at desc, event_type desc, coalesce(raw_contact_id, anonymous_id) desc, '
        ~ 'url desc, properties desc', sort_all=is_incremental()) }}
)

select
    latest.event_id,
    coalesce(latest.raw_contact_id, identities.contact_id) as contact_id,
    latest.raw_contact_id,
    latest.anonymous_id,
    latest.event_type,
    latest.occurred_at,
    latest.channel,
    latest.source,
    latest.campaign_id,
    latest.email_id,
    latest.url,
    latest.duration_seconds,
    latest.amount,
    latest.tags,
    latest.properties,
    latest.loaded_at,
    {{ lead_scoring.run_stamp() }} as processed_at,
    -- a first or full-refresh build cannot tell what models downstream already hold
    {{ 'not latest.was_stored' if is_incremental() else 'false' }} as is_first_version
from latest
left join {{ ref('stg_raw__identities') }} as identities
    on
        latest.raw_contact_id is null
        and latest.anonymous_id = identities.anonymous_id
where latest.version_rank = 1
