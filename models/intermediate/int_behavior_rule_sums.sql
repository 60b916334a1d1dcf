{{ config(
    materialized='incremental',
    incremental_strategy=lead_scoring.incremental_strategy('replace_scope'),
    unique_key=['model_id', 'rule_id', 'contact_id'],
    on_schema_change='fail'
) }}

{#- Behaviour points per (model, rule, contact, tag list), summed over the counted events and
    decayed to reference_at: sum of points * 0.5^((reference_at - occurred_at) / half-life).
    Decay factorises, so a sum decays on to any later as_of by one factor
    (int_behavior_contributions, int_lead_tag_scores) and a run need not read history:
    - the events written since the last run that only add (a new event, not a rewrite) are
      added, scored as of as_of;
    - stored events that as_of has reached since the last run are added, and events that have
      left a lookback window since then are taken away (both a range of occurred_at);
    - the (rule, contact) sums a rewrite touched (an event changed, moved or went away, or a
      sequenced scope was numbered again) are summed again from all their events, and so are
      rules whose definition changed and every rule of a model that recycles
      (reset_event_types: a new reset changes which events count);
    - an as_of before the stored one sums everything again (backfills: exact, not quick), and
      so does a run after int_condition_events alone was rebuilt.
    The touched sums are written with reference_at = as_of; the others keep theirs. -#}
-- depends_on: {{ ref('int_condition_events') }}
-- depends_on: {{ ref('int_engagement_resets') }}

{%- set rescore_all = not is_incremental() %}
{%- if is_incremental() and execute %}
    {#- stored sums ahead of as_of, or matches rebuilt since the sums were (a full refresh of
        int_condition_events alone): its rows would all look new -#}
    {%- set state = run_query(
        'select (select count(*) from ' ~ this ~ ' where reference_at > ' ~ lead_scoring.as_of() ~ '), '
        ~ '(select count(*) from (select 1 as found from ' ~ ref('int_condition_events')
        ~ ' where processed_at <= ' ~ lead_scoring.stored_max(this, 'processed_at') ~ ' limit 1) as older)') %}
    {%- set rescore_all = state.rows[0][0] > 0 or state.rows[0][1] == 0 %}
{%- endif %}

with recycling_models as (
    select distinct model_id from {{ ref('int_model_reset_types') }}
),

rules as (
    select
        rules.model_id,
        rules.rule_id,
        rules.condition_id,
        rules.points,
        rules.lookback_days,
        rules.occurrence_from,
        rules.occurrence_to,
        rules.within_days_of_previous,
        rules.decay_half_life_days,
        recycling_models.model_id is not null as is_recycled,
        -- what decides which events count and how much: another value sums again
        {{ dbt.hash(dbt.concat([
            'rules.condition_id', "'|'",
            "coalesce(" ~ lead_scoring.as_text('rules.points') ~ ", '')", "'|'",
            "coalesce(" ~ lead_scoring.as_text('rules.lookback_days') ~ ", '')", "'|'",
            "coalesce(" ~ lead_scoring.as_text('rules.occurrence_from') ~ ", '')", "'|'",
            "coalesce(" ~ lead_scoring.as_text('rules.occurrence_to') ~ ", '')", "'|'",
            "coalesce(" ~ lead_scoring.as_text('rules.within_days_of_previous') ~ ", '')", "'|'",
            "coalesce(" ~ lead_scoring.as_text('rules.decay_half_life_days') ~ ", '')"
        ])) }} as rule_signature
    from {{ ref('int_active_behavior_rules') }} as rules
    left join recycling_models
        on rules.model_id = recycling_models.model_id
),

{% if rescore_all %}

summed_again as (
    select
        model_id,
        rule_id,
        contact_id,
        tags,
        sum(points) as decayed_points,
        count(*) as event_count
    from {{ ref('int_behavior_scored_events') }}
    group by model_id, rule_id, contact_id, tags
),

new_sums as (
    select * from summed_again
),

{% if is_incremental() %}
dropped_scopes as (
    select distinct
        stored.model_id,
        stored.rule_id,
        stored.contact_id
    from {{ this }} as stored
    left join new_sums
        on
            stored.model_id = new_sums.model_id
            and stored.rule_id = new_sums.rule_id
            and stored.contact_id = new_sums.contact_id
    where new_sums.model_id is null
),
{% endif %}

{% else %}

{%- set watermark = lead_scoring.stored_max(this, 'processed_at') %}
{%- set reached_text = lead_scoring.stored_max_text(this, 'reference_at') %}
{%- set reached = lead_scoring.timestamp_literal_or_floor(reached_text) %}

resets as (
    select * from {{ ref('int_engagement_resets') }}
),

stored_rules as (
    select distinct
        model_id,
        rule_id,
        rule_signature
    from {{ this }}
),

carried_rules as (
    -- rules whose stored sums carry on: same definition, model does not recycle
    select rules.*
    from rules
    inner join stored_rules
        on
            rules.model_id = stored_rules.model_id
            and rules.rule_id = stored_rules.rule_id
            and rules.rule_signature = stored_rules.rule_signature
    where not rules.is_recycled
),

rules_summed_again as (
    select rules.model_id, rules.rule_id
    from rules
    left join carried_rules
        on rules.model_id = carried_rules.model_id and rules.rule_id = carried_rules.rule_id
    where carried_rules.model_id is null
),

written as (
    select * from {{ ref('int_condition_events') }}
    where processed_at > {{ watermark }}
),

rewritten_scopes as (
    -- (condition, contact) whose stored sums a rewrite may have made wrong
    select distinct condition_id, contact_id from written
    where is_sequenced or is_removed or previous_contact_id is not null
    union
    select distinct condition_id, previous_contact_id as contact_id from written
    where previous_contact_id is not null
),

scopes_summed_again as (
    select
        carried_rules.model_id,
        carried_rules.rule_id,
        rewritten_scopes.contact_id
    from carried_rules
    inner join rewritten_scopes
        on carried_rules.condition_id = rewritten_scopes.condition_id
),

conditions_summed_again as (
    select distinct rules.condition_id
    from rules
    inner join rules_summed_again
        on rules.model_id = rules_summed_again.model_id and rules.rule_id = rules_summed_again.rule_id
),

events_summed_again as (
    -- only the matches of those rules and scopes are scored again (inner joins: nothing to
    -- sum again reads no match)
    select matched.*
    from {{ ref('int_condition_events') }} as matched
    inner join conditions_summed_again
        on matched.condition_id = conditions_summed_again.condition_id
    where not matched.is_removed
    union all
    select matched.*
    from {{ ref('int_condition_events') }} as matched
    inner join rewritten_scopes
        on
            matched.condition_id = rewritten_scopes.condition_id
            and matched.contact_id = rewritten_scopes.contact_id
    where
        not matched.is_removed
        and matched.condition_id not in (select conditions_summed_again.condition_id from conditions_summed_again)
),

scored_again as (
    {{ lead_scoring.behavior_event_points('events_summed_again', 'rules', 'resets', lead_scoring.as_of()) }}
),

all_scored as (
    select * from scored_again
    where is_in_window
),

summed_again as (
    select
        all_scored.model_id,
        all_scored.rule_id,
        all_scored.contact_id,
        all_scored.tags,
        sum(all_scored.points) as decayed_points,
        count(*) as event_count
    from all_scored
    left join rules_summed_again
        on
            all_scored.model_id = rules_summed_again.model_id
            and all_scored.rule_id = rules_summed_again.rule_id
    left join scopes_summed_again
        on
            all_scored.model_id = scopes_summed_again.model_id
            and all_scored.rule_id = scopes_summed_again.rule_id
            and all_scored.contact_id = scopes_summed_again.contact_id
    where rules_summed_again.model_id is not null or scopes_summed_again.model_id is not null
    group by all_scored.model_id, all_scored.rule_id, all_scored.contact_id, all_scored.tags
),

added_events as (
    -- new events (not rewrites), and stored events as_of has reached since the last run
    select written.*
    from written
    where not written.is_removed and not written.is_sequenced and written.previous_contact_id is null
    union all
    select matched.*
    from {{ ref('int_condition_events') }} as matched
    where
        not matched.is_removed
        and matched.processed_at <= {{ watermark }}
        and matched.occurred_at > {{ reached }}
        and matched.occurred_at <= {{ lead_scoring.as_of() }}
),

leaving_ranges as (
    -- per condition, the ages at which an event can have left a window since the last run
    select
        condition_id,
        min(lookback_days) as shortest_lookback,
        max(lookback_days) as longest_lookback
    from carried_rules
    where lookback_days is not null
    group by condition_id
),

leaving_events as (
    -- stored events inside a window at the last run and outside one now: a range of
    -- occurred_at per condition (none when as_of has not moved)
    select
        matched.*,
        {{ reached }} as reached_at
    from {{ ref('int_condition_events') }} as matched
    inner join leaving_ranges
        on matched.condition_id = leaving_ranges.condition_id
    where
        not matched.is_removed
        and matched.processed_at <= {{ watermark }}
        and matched.occurred_at <= {{ reached }}
        and {{ lead_scoring.age_days('matched.occurred_at', reached) }}
        < leaving_ranges.longest_lookback
        and {{ lead_scoring.age_days('matched.occurred_at', lead_scoring.as_of()) }}
        >= leaving_ranges.shortest_lookback
        -- the same, as ranges of literals the engine can skip by
        and {{ lead_scoring.lookback_crossed_filter('matched.occurred_at', ref('int_active_behavior_rules'),
            reached_text, lead_scoring.as_of_text()) }}
),

added as (
    {{ lead_scoring.behavior_event_points('added_events', 'carried_rules', 'resets', lead_scoring.as_of()) }}
),

leaving as (
    {{ lead_scoring.behavior_event_points('leaving_events', 'carried_rules', 'resets', lead_scoring.as_of(),
        reference_at='events.reached_at') }}
),

deltas as (
    select
        added.model_id,
        added.rule_id,
        added.contact_id,
        added.tags,
        added.points,
        1 as event_count
    from added
    where added.is_in_window
    union all
    -- counted at the last run (inside the window then), not now
    select
        leaving.model_id,
        leaving.rule_id,
        leaving.contact_id,
        leaving.tags,
        -leaving.points as points,
        -1 as event_count
    from leaving
    where leaving.was_in_window and not leaving.is_in_window
),

carried_deltas as (
    select deltas.*
    from deltas
    left join scopes_summed_again
        on
            deltas.model_id = scopes_summed_again.model_id
            and deltas.rule_id = scopes_summed_again.rule_id
            and deltas.contact_id = scopes_summed_again.contact_id
    where scopes_summed_again.model_id is null
),

touched_scopes as (
    select distinct model_id, rule_id, contact_id from carried_deltas
),

carried_sums as (
    select
        stored.model_id,
        stored.rule_id,
        stored.contact_id,
        stored.tags,
        {{ lead_scoring.decayed_from('stored.decayed_points', 'stored.reference_at',
            lead_scoring.as_of(), 'carried_rules.decay_half_life_days') }} as points,
        stored.event_count
    from {{ this }} as stored
    inner join touched_scopes
        on
            stored.model_id = touched_scopes.model_id
            and stored.rule_id = touched_scopes.rule_id
            and stored.contact_id = touched_scopes.contact_id
    inner join carried_rules
        on stored.model_id = carried_rules.model_id and stored.rule_id = carried_rules.rule_id
    union all
    select
        model_id,
        rule_id,
        contact_id,
        tags,
        points,
        event_count
    from carried_deltas
),

new_sums as (
    select * from summed_again
    union all
    select
        model_id,
        rule_id,
        contact_id,
        tags,
        sum(points) as decayed_points,
        sum(event_count) as event_count
    from carried_sums
    group by model_id, rule_id, contact_id, tags
    having sum(event_count) > 0
),

dropped_scopes as (
    -- sums of rules summed again or gone, scopes summed again, touched scopes: any left empty
    select distinct
        stored.model_id,
        stored.rule_id,
        stored.contact_id
    from {{ this }} as stored
    left join carried_rules
        on stored.model_id = carried_rules.model_id and stored.rule_id = carried_rules.rule_id
    where carried_rules.model_id is null
    union
    select model_id, rule_id, contact_id from scopes_summed_again
    union
    select model_id, rule_id, contact_id from touched_scopes
),

{% endif %}

output_sums as (
    select
        new_sums.model_id,
        new_sums.rule_id,
        new_sums.contact_id,
        new_sums.tags,
        rules.rule_signature,
        new_sums.decayed_points,
        new_sums.event_count
    from new_sums
    inner join rules
        on new_sums.model_id = rules.model_id and new_sums.rule_id = rules.rule_id
)

select
    model_id,
    rule_id,
    contact_id,
    tags,
    rule_signature,
    cast(decayed_points as {{ lead_scoring.type_double() }}) as decayed_points,
    cast(event_count as {{ dbt.type_bigint() }}) as event_count,
    {{ lead_scoring.as_of() }} as reference_at,
    {{ lead_scoring.run_stamp() }} as processed_at,
    false as is_tombstone
from output_sums

{% if is_incremental() %}
    union all
    select
        dropped_scopes.model_id,
        dropped_scopes.rule_id,
        dropped_scopes.contact_id,
        cast(null as {{ dbt.type_string() }}) as tags,
        cast(null as {{ dbt.type_string() }}) as rule_signature,
        cast(null as {{ lead_scoring.type_double() }}) as decayed_points,
        cast(null as {{ dbt.type_bigint() }}) as event_count,
        cast(null as {{ dbt.type_timestamp() }}) as reference_at,
        {{ lead_scoring.run_stamp() }} as processed_at,
        true as is_tombstone
    from dropped_scopes
    left join (select distinct model_id, rule_id, contact_id from output_sums) as kept
        on
            dropped_scopes.model_id = kept.model_id
            and dropped_scopes.rule_id = kept.rule_id
            and dropped_scopes.contact_id = kept.contact_id
    where kept.model_id is null
{% endif %}
