{{ config(
    materialized='incremental',
    incremental_strategy=lead_scoring.incremental_strategy('replace_scope'),
    unique_key=['condition_id', 'scope_id'],
    on_schema_change='fail'
) }}

{#- Every attributed event that satisfies an active behaviour condition. Nothing here depends
    on as_of or on points, so only new events and new conditions cost work.
    A sequenced condition (one of its rules reads occurrence numbers or spacing) numbers its
    events per contact by (occurred_at, event_id): its scope is (condition, contact), and a run
    re-numbers the scopes that changed events touch. Any other condition keeps one scope per
    (condition, event): a run writes the changed events' rows and reads no stored scope, so its
    cost follows the increment, not the history. A condition whose sequencing changes is
    matched again from all events.
    For the behaviour sums (int_behavior_rule_sums), which add new events without reading the
    history, a run also says what it rewrote: previous_contact_id on a row that replaces an
    earlier version, and a kept is_removed row (the old contact) where a match went away. -#}

{#- a subquery, not a CTE: match_conditions reads it twice, and a CTE read twice is materialized
    whole (every event) by some engines, even when no condition is new -#}
{%- set all_events -%}
    (
        select * from {{ ref('stg_raw__interactions') }}
        where contact_id is not null
    )
{%- endset %}

with conditions as (
    select * from {{ ref('int_behavior_conditions') }}
),

{% if is_incremental() %}
{%- set watermark = lead_scoring.stored_max(this, 'processed_at') %}

stored_conditions as (
    select distinct
        condition_id,
        is_sequenced
    from {{ this }}
),

new_conditions as (
    select conditions.*
    from conditions
    left join stored_conditions
        on
            conditions.condition_id = stored_conditions.condition_id
            and conditions.is_sequenced = stored_conditions.is_sequenced
    where stored_conditions.condition_id is null
),

old_conditions as (
    select conditions.*
    from conditions
    inner join stored_conditions
        on
            conditions.condition_id = stored_conditions.condition_id
            and conditions.is_sequenced = stored_conditions.is_sequenced
),

changed_events as (
    select * from {{ ref('stg_raw__interactions') }}
    where
        contact_id is not null
        and processed_at > {{ watermark }}
),

rewritten_event_ids as (
    -- events written again (including those that lost their contact, whose old matches must
    -- go): an event staging wrote for the first time has no stored match, so in most runs
    -- this is empty and the stored matches are not read
    select event_id from {{ ref('stg_raw__interactions') }}
    where
        processed_at > {{ watermark }}
        and not coalesce(is_first_version, false)
),

new_matches as (
    select
        matches.*,
        old_conditions.is_sequenced
    from ({{ lead_scoring.match_conditions('changed_events', 'old_conditions') }}) as matches
    inner join old_conditions on matches.condition_id = old_conditions.condition_id
    union all
    select
        matches.*,
        new_conditions.is_sequenced
    from ({{ lead_scoring.match_conditions(all_events, 'new_conditions') }}) as matches
    inner join new_conditions on matches.condition_id = new_conditions.condition_id
),

new_conditions_scopes as (
    -- a condition matched afresh replaces whatever it held: every row counts as rewritten
    select distinct condition_id from new_conditions
),

replaced_rows as (
    -- stored rows of changed events, in conditions that are still matched the same way
    select
        stored.condition_id,
        stored.scope_id,
        stored.contact_id,
        stored.event_id,
        stored.is_sequenced
    from {{ this }} as stored
    -- joined, not `in (...)`: with no changed event (a rerun) the stored matches are not read
    inner join rewritten_event_ids
        on stored.event_id = rewritten_event_ids.event_id
    inner join old_conditions
        on
            stored.condition_id = old_conditions.condition_id
            and stored.is_sequenced = old_conditions.is_sequenced
    where not stored.is_removed
),

touched_scopes as (
    -- sequenced scopes to number again
    select distinct
        condition_id,
        contact_id
    from new_matches
    where is_sequenced
    union
    select distinct
        condition_id,
        contact_id
    from replaced_rows
    where is_sequenced
),

kept_rows as (
    select
        stored.condition_id,
        stored.contact_id,
        stored.event_id,
        stored.occurred_at,
        stored.tags,
        stored.is_sequenced
    from {{ this }} as stored
    inner join touched_scopes
        on
            stored.condition_id = touched_scopes.condition_id
            and stored.contact_id = touched_scopes.contact_id
    inner join old_conditions
        on
            stored.condition_id = old_conditions.condition_id
            and stored.is_sequenced = old_conditions.is_sequenced
    where
        not stored.is_removed
        and stored.event_id not in (select rewritten_event_ids.event_id from rewritten_event_ids)
),

scope_rows as (
    select * from kept_rows
    union all
    select * from new_matches
),

removed_matches as (
    -- kept as is_removed rows: sequenced scopes left empty ...
    select
        touched_scopes.condition_id,
        touched_scopes.contact_id as scope_id,
        touched_scopes.contact_id,
        cast(null as {{ dbt.type_string() }}) as event_id
    from touched_scopes
    left join (select distinct condition_id, contact_id from scope_rows) as filled
        on
            touched_scopes.condition_id = filled.condition_id
            and touched_scopes.contact_id = filled.contact_id
    where filled.condition_id is null
    union all
    -- ... and, in other conditions, stored matches of changed events that match no more
    select
        replaced_rows.condition_id,
        replaced_rows.scope_id,
        replaced_rows.contact_id,
        replaced_rows.event_id
    from replaced_rows
    left join new_matches
        on
            replaced_rows.condition_id = new_matches.condition_id
            and replaced_rows.event_id = new_matches.event_id
    where not replaced_rows.is_sequenced and new_matches.condition_id is null
),

dropped_conditions as (
    -- stored conditions no active rule uses any more, or whose sequencing changed
    select
        stored_conditions.condition_id,
        stored_conditions.is_sequenced
    from stored_conditions
    left join old_conditions
        on
            stored_conditions.condition_id = old_conditions.condition_id
            and stored_conditions.is_sequenced = old_conditions.is_sequenced
    where old_conditions.condition_id is null
),

tombstones as (
    -- every stored row of a dropped condition; with none (most runs) no stored row is read
    select distinct
        stored.condition_id,
        stored.scope_id
    from {{ this }} as stored
    inner join dropped_conditions
        on
            stored.condition_id = dropped_conditions.condition_id
            and stored.is_sequenced = dropped_conditions.is_sequenced
),

{% else %}

scope_rows as (
    select
        matches.*,
        conditions.is_sequenced
    from ({{ lead_scoring.match_conditions(all_events, 'conditions') }}) as matches
    inner join conditions on matches.condition_id = conditions.condition_id
),

{% endif %}

sequenced as (
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
    where is_sequenced
)

select
    condition_id,
    contact_id as scope_id,
    contact_id,
    event_id,
    occurred_at,
    tags,
    cast(occurrence_number as {{ dbt.type_bigint() }}) as occurrence_number,
    previous_occurred_at,
    true as is_sequenced,
    -- a renumbered scope is rewritten whole: the sums read it as such, whatever came before
    cast(null as {{ dbt.type_string() }}) as previous_contact_id,
    false as is_removed,
    {{ lead_scoring.run_stamp() }} as processed_at,
    false as is_tombstone
from sequenced

union all

select
    scope_rows.condition_id,
    scope_rows.event_id as scope_id,
    scope_rows.contact_id,
    scope_rows.event_id,
    scope_rows.occurred_at,
    scope_rows.tags,
    cast(null as {{ dbt.type_bigint() }}) as occurrence_number,
    cast(null as {{ dbt.type_timestamp() }}) as previous_occurred_at,
    false as is_sequenced,
    {% if is_incremental() -%}
    case
        when new_conditions_scopes.condition_id is not null then scope_rows.contact_id
        else replaced_rows.contact_id
    end as previous_contact_id,
    {%- else -%}
    cast(null as {{ dbt.type_string() }}) as previous_contact_id,
    {%- endif %}
    false as is_removed,
    {{ lead_scoring.run_stamp() }} as processed_at,
    false as is_tombstone
from scope_rows
{%- if is_incremental() %}
left join replaced_rows
    on
        scope_rows.condition_id = replaced_rows.condition_id
        and scope_rows.event_id = replaced_rows.event_id
left join new_conditions_scopes
    on scope_rows.condition_id = new_conditions_scopes.condition_id
{%- endif %}
where not scope_rows.is_sequenced

{% if is_incremental() %}
    union all
    select
        removed_matches.condition_id,
        removed_matches.scope_id,
        removed_matches.contact_id,
        removed_matches.event_id,
        cast(null as {{ dbt.type_timestamp() }}) as occurred_at,
        cast(null as {{ dbt.type_string() }}) as tags,
        cast(null as {{ dbt.type_bigint() }}) as occurrence_number,
        cast(null as {{ dbt.type_timestamp() }}) as previous_occurred_at,
        old_conditions.is_sequenced,
        removed_matches.contact_id as previous_contact_id,
        true as is_removed,
        {{ lead_scoring.run_stamp() }} as processed_at,
        false as is_tombstone
    from removed_matches
    inner join old_conditions on removed_matches.condition_id = old_conditions.condition_id
    union all
    select
        condition_id,
        scope_id,
        cast(null as {{ dbt.type_string() }}) as contact_id,
        cast(null as {{ dbt.type_string() }}) as event_id,
        cast(null as {{ dbt.type_timestamp() }}) as occurred_at,
        cast(null as {{ dbt.type_string() }}) as tags,
        cast(null as {{ dbt.type_bigint() }}) as occurrence_number,
        cast(null as {{ dbt.type_timestamp() }}) as previous_occurred_at,
        cast(null as {{ dbt.type_boolean() }}) as is_sequenced,
        cast(null as {{ dbt.type_string() }}) as previous_contact_id,
        cast(null as {{ dbt.type_boolean() }}) as is_removed,
        {{ lead_scoring.run_stamp() }} as processed_at,
        true as is_tombstone
    from tombstones
{% endif %}
