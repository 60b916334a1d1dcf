{{ config(
    materialized='incremental',
    incremental_strategy=lead_scoring.incremental_strategy('replace_scope'),
    unique_key=['contact_id', 'event_id'],
    on_schema_change='fail'
) }}

{#- At least the newest var('recent_events_per_contact') events of each contact up to as_of,
    unranked (fct_lead_recent_events ranks them and keeps that many). Incremental per
    (contact, event): as long as as_of does not go back, a contact's list is its stored list
    plus its candidates (events written since the last run, and stored events that as_of has
    now reached), so a run reads the changed events, not the history. New events are appended
    without ranking the stored list; only a contact whose list would pass twice the length is
    ranked again and cut back to the length (markers for the rows it drops), so lists stay
    bounded and a run ranks few stored rows. A contact whose listed event changed or moved is
    listed again from all its events; an earlier as_of or another list length lists everyone
    again. -#}

{#- at least the newest event: int_lead_score_totals reads each contact's latest activity here #}
{%- set kept = [lead_scoring.setting('recent_events_per_contact') | int, 1] | max %}
{#- a list longer than this is cut back to `kept` -#}
{%- set longest = 2 * kept %}
{%- set relist_all = not is_incremental() %}
{%- if is_incremental() and execute %}
    {%- set state = run_query(
        'select count(*) from ' ~ this ~ ' where as_of_at > ' ~ lead_scoring.as_of()
        ~ ' or kept_per_contact <> ' ~ kept) %}
    {%- set relist_all = state.rows[0][0] > 0 %}
{%- endif %}

{#- a subquery, not a CTE: a CTE read twice is materialized whole (every event) by some engines -#}
{%- set events -%}
    (
        select
            contact_id,
            event_id,
            event_type,
            occurred_at,
            channel,
            campaign_id,
            url,
            processed_at
        from {{ ref('stg_raw__interactions') }}
        where
            contact_id is not null
            and occurred_at <= {{ lead_scoring.as_of() }}
    )
{%- endset %}

with
{% if relist_all %}

candidates as (
    select
        events.*,
        false as is_stored
    from {{ events }} as events
),

{% if is_incremental() %}
dropped_rows as (
    -- every stored row: the new lists are written whole
    select
        contact_id,
        event_id
    from {{ this }}
),
{% endif %}

{% else %}

{%- set watermark = lead_scoring.stored_max(this, 'processed_at') %}
{%- set reached_text = lead_scoring.stored_max_text(this, 'as_of_at') %}

rewritten_event_ids as (
    -- events written again since the last run, with or without a contact now (a first
    -- version is in no stored list)
    select event_id from {{ ref('stg_raw__interactions') }}
    where
        processed_at > {{ watermark }}
        and not coalesce(is_first_version, false)
),

relisted_contacts as (
    -- a listed event that changed: the stored list may be wrong, not just short
    select distinct stored.contact_id
    from {{ this }} as stored
    inner join rewritten_event_ids on stored.event_id = rewritten_event_ids.event_id
),

new_events as (
    -- changed events, and stored events as_of has reached since the last run: two ranges, not
    -- one `or` across two columns, so the engine reads only the row groups each range can hold
    select * from {{ events }} as events
    where processed_at > {{ watermark }}
    {%- if lead_scoring.as_of_moved_since(reached_text) %}
    union all
    select * from {{ events }} as events
    where
        processed_at <= {{ watermark }}
        and occurred_at > {{ lead_scoring.timestamp_literal_or_floor(reached_text) }}
    {%- endif %}
),

appended_counts as (
    -- new events per contact whose list carries on
    select
        contact_id,
        count(*) as appended_count
    from new_events
    where contact_id not in (select relisted_contacts.contact_id from relisted_contacts)
    group by contact_id
),

list_growth as (
    -- is_cut: the list would pass `longest`, so only its stored rows are read and ranked again;
    -- is_ranked: its new events are ranked (cut, or more new events than the length); the
    -- other lists take their new events as they are
    select
        contact_id,
        is_cut,
        is_cut or appended_count > {{ kept }} as is_ranked
    from (
        select
            appended_counts.contact_id,
            appended_counts.appended_count,
            coalesce(stored_counts.stored_count, 0) + appended_counts.appended_count > {{ longest }} as is_cut
        from appended_counts
        left join (
            select
                stored.contact_id,
                count(*) as stored_count
            from {{ this }} as stored
            inner join appended_counts on stored.contact_id = appended_counts.contact_id
            group by stored.contact_id
        ) as stored_counts
            on appended_counts.contact_id = stored_counts.contact_id
    ) as grown
),

candidates as (
    select
        events.*,
        false as is_stored
    from {{ events }} as events
    inner join relisted_contacts on events.contact_id = relisted_contacts.contact_id
    union all
    select
        new_events.*,
        false as is_stored
    from new_events
    inner join list_growth on new_events.contact_id = list_growth.contact_id
    where list_growth.is_ranked
    union all
    -- the stored lists to cut back, except events written again
    select
        stored.contact_id,
        stored.event_id,
        stored.event_type,
        stored.occurred_at,
        stored.channel,
        stored.campaign_id,
        stored.url,
        stored.processed_at,
        true as is_stored
    from {{ this }} as stored
    inner join list_growth on stored.contact_id = list_growth.contact_id
    where
        list_growth.is_cut
        and stored.event_id not in (select new_events.event_id from new_events)
),

dropped_rows as (
    -- every stored row of a relisted contact: its new list is written whole
    select
        stored.contact_id,
        stored.event_id
    from {{ this }} as stored
    inner join relisted_contacts on stored.contact_id = relisted_contacts.contact_id
),

{% endif %}

ranked as (
    select
        contact_id,
        event_id,
        event_type,
        occurred_at,
        channel,
        campaign_id,
        url,
        is_stored,
        row_number() over (
            partition by contact_id
            order by occurred_at desc, event_id desc
        ) as event_rank
    from candidates
),

listed as (
    -- new events among a list's newest `kept` (a list that is not cut keeps its stored rows,
    -- so a new event below them is a row more, dropped at the next cut), the stored rows a cut
    -- drops (markers), and the new events appended as they are; the rest stays as stored
    select
        contact_id,
        event_id,
        event_type,
        occurred_at,
        channel,
        campaign_id,
        url,
        is_stored
    from ranked
    where
        (event_rank <= {{ kept }} and not is_stored)
        or (event_rank > {{ kept }} and is_stored)
    {%- if not relist_all %}
    union all
    select
        new_events.contact_id,
        new_events.event_id,
        new_events.event_type,
        new_events.occurred_at,
        new_events.channel,
        new_events.campaign_id,
        new_events.url,
        false as is_stored
    from new_events
    inner join list_growth on new_events.contact_id = list_growth.contact_id
    where not list_growth.is_ranked
    {%- endif %}
)

select
    contact_id,
    event_id,
    event_type,
    occurred_at,
    channel,
    campaign_id,
    url,
    cast({{ kept }} as {{ dbt.type_int() }}) as kept_per_contact,
    {{ lead_scoring.as_of() }} as as_of_at,
    {{ lead_scoring.run_stamp() }} as processed_at,
    is_stored as is_tombstone
from listed

{% if is_incremental() %}
    union all
    select
        contact_id,
        event_id,
        cast(null as {{ dbt.type_string() }}) as event_type,
        cast(null as {{ dbt.type_timestamp() }}) as occurred_at,
        cast(null as {{ dbt.type_string() }}) as channel,
        cast(null as {{ dbt.type_string() }}) as campaign_id,
        cast(null as {{ dbt.type_string() }}) as url,
        cast(null as {{ dbt.type_int() }}) as kept_per_contact,
        cast(null as {{ dbt.type_timestamp() }}) as as_of_at,
        {{ lead_scoring.run_stamp() }} as processed_at,
        true as is_tombstone
    from dropped_rows
{% endif %}
