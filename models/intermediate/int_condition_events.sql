{{ config(
    materialized='incremental',
    incremental_strategy=lead_scoring.incremental_strategy('replace_scope'),
    unique_key=['condition_id', 'contact_id'],
    on_schema_change='fail'
) }}

{#- Every attributed event that satisfies an active behaviour condition, numbered per
    (condition, contact) by (occurred_at, event_id), with the previous match's time.
    Nothing here depends on as_of or on points, so only new events and new conditions cost
    work: a run re-numbers just the (condition, contact) scopes that changed events touch,
    using the rows already stored, and matches new conditions against all events. -#}

with conditions as (
    select * from {{ ref('int_behavior_conditions') }}
),

{% if is_incremental() %}
{%- set watermark = 'coalesce((select max(processed_at) from ' ~ this ~ '), '
    ~ lead_scoring.timestamp_literal('1900-01-01 00:00:00') ~ ')' %}

stored_conditions as (
    select distinct condition_id from {{ this }}
),

new_conditions as (
    select * from conditions
    where condition_id not in (select condition_id from stored_conditions)
),

old_conditions as (
    select * from conditions
    where condition_id in (select condition_id from stored_conditions)
),

changed_events as (
    select * from {{ ref('stg_raw__interactions') }}
    where
        contact_id is not null
        and processed_at > {{ watermark }}
),

changed_event_ids as (
    -- includes events that lost their contact, whose old matches must go
    select event_id from {{ ref('stg_raw__interactions') }}
    where processed_at > {{ watermark }}
),

all_events as (
    select * from {{ ref('stg_raw__interactions') }}
    where contact_id is not null
),

new_matches as (
    {{ lead_scoring.match_conditions('changed_events', 'old_conditions') }}
    union all
    {{ lead_scoring.match_conditions('all_events', 'new_conditions') }}
),

touched_scopes as (
    select distinct condition_id, contact_id from new_matches
    union
    select distinct stored.condition_id, stored.contact_id
    from {{ this }} as stored
    inner join changed_event_ids on stored.event_id = changed_event_ids.event_id
),

kept_rows as (
    select
        stored.condition_id,
        stored.contact_id,
        stored.event_id,
        stored.occurred_at,
        stored.tags
    from {{ this }} as stored
    inner join touched_scopes
        on
            stored.condition_id = touched_scopes.condition_id
            and stored.contact_id = touched_scopes.contact_id
    where
        stored.event_id not in (select event_id from changed_event_ids)
        and stored.condition_id in (select condition_id from conditions)
),

scope_rows as (
    select * from kept_rows
    union all
    select * from new_matches
),

tombstones as (
    -- scopes left empty, and every scope of a condition no active rule uses any more
    select touched_scopes.condition_id, touched_scopes.contact_id
    from touched_scopes
    left join (select distinct condition_id, contact_id from scope_rows) as filled
        on
            touched_scopes.condition_id = filled.condition_id
            and touched_scopes.contact_id = filled.contact_id
    where filled.condition_id is null
    union
    select distinct condition_id, contact_id from {{ this }}
    where condition_id not in (select condition_id from conditions)
),

{% else %}

all_events as (
    select * from {{ ref('stg_raw__interactions') }}
    where contact_id is not null
),

scope_rows as (
    {{ lead_scoring.match_conditions('all_events', 'conditions') }}
),

{% endif %}

numbered as (
    select
        condition_id,
        contact_id,
        event_id,
        occurred_at,
        tags,
        row_number() over (
            partition by condition_id, contact_id order by occurred_at, event_id
        ) as occurrence_number,
        lag(occurred_at) over (
            partition by condition_id, contact_id order by occurred_at, event_id
        ) as previous_occurred_at
    from scope_rows
)

select
    condition_id,
    contact_id,
    event_id,
    occurred_at,
    tags,
    cast(occurrence_number as {{ dbt.type_bigint() }}) as occurrence_number,
    previous_occurred_at,
    {{ lead_scoring.run_stamp() }} as processed_at,
    false as is_tombstone
from numbered

{% if is_incremental() %}
    union all
    select
        condition_id,
        contact_id,
        cast(null as {{ dbt.type_string() }}) as event_id,
        cast(null as {{ dbt.type_timestamp() }}) as occurred_at,
        cast(null as {{ dbt.type_string() }}) as tags,
        cast(null as {{ dbt.type_bigint() }}) as occurrence_number,
        cast(null as {{ dbt.type_timestamp() }}) as previous_occurred_at,
        {{ lead_scoring.run_stamp() }} as processed_at,
        true as is_tombstone
    from tombstones
{% endif %}
