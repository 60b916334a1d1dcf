-- Per-interest scores: for each tag, the decayed points of the contact's scoring behaviour
-- events that carry it (caps not applied; a tag listed twice on an event counts once).
-- Where no two active rules of a model share an event type, an event scores under one rule
-- at most, so the per-rule sums (int_behavior_rule_sums, kept per tag list) add up per tag
-- list, events and points alike. Other models are summed per event (int_behavior_scored_events).
-- Tag lists repeat, so each distinct list is split once into its distinct tags, and each
-- sum is added to every tag of its list without first adding up the sums per list.
-- depends_on: {{ ref('int_behavior_scored_events') }}

{#- Read scored events only when some model needs them: the view is a scan of every matched
    event even when the model filter leaves none (DuckDB does not push it through the view's
    join), which would make every run cost what history holds. -#}
{%- set per_event_models = true %}
{%- if execute and load_relation(ref('int_active_behavior_rules')) is not none %}
    {%- set shared = run_query(
        'select count(*) from (select model_id from ' ~ ref('int_active_behavior_rules')
        ~ ' group by model_id having count(*) > count(distinct event_type)) as shared') %}
    {%- set per_event_models = shared.rows[0][0] > 0 %}
{%- endif %}

with rules as (
    select * from {{ ref('int_active_behavior_rules') }}
),

shared_type_models as (
    select model_id
    from rules
    group by model_id
    having count(*) > count(distinct event_type)
),

scored as (
    -- one row per per-rule sum, or per event where the model needs it
    select
        sums.model_id,
        sums.contact_id,
        sums.tags,
        {{ lead_scoring.decayed_from('sums.decayed_points', 'sums.reference_at',
            lead_scoring.as_of(), 'rules.decay_half_life_days') }} as points,
        sums.event_count
    from {{ ref('int_behavior_rule_sums') }} as sums
    inner join rules
        on sums.model_id = rules.model_id and sums.rule_id = rules.rule_id
    where
        sums.tags is not null
        and sums.model_id not in (select shared_type_models.model_id from shared_type_models)
    {%- if per_event_models %}
    union all
    -- an event scoring under several rules of a model is one event with their points
    select
        model_id,
        contact_id,
        tags,
        sum(points) as points,
        1 as event_count
    from {{ ref('int_behavior_scored_events') }}
    where
        tags is not null
        and model_id in (select shared_type_models.model_id from shared_type_models)
    group by model_id, contact_id, event_id, tags
    {%- endif %}
),

list_tags as (
    -- from the sums, not from `scored` (a CTE read twice is materialized whole): they hold
    -- every tag list a scoring event carries, per-event models' included
    select distinct
        tags,
        tag
    from (
        select
            tags,
            {{ lead_scoring.explode_csv_list('tags') }} as tag
        from (select distinct tags from {{ ref('int_behavior_rule_sums') }}) as lists
        where tags is not null
    ) as exploded
    where tag <> ''
),

tagged as (
    select
        scored.model_id,
        scored.contact_id,
        list_tags.tag,
        sum(scored.points) as tag_score,
        sum(scored.event_count) as event_count
    from scored
    inner join list_tags
        on scored.tags = list_tags.tags
    group by scored.model_id, scored.contact_id, list_tags.tag
)

-- known contacts only, joined after grouping: a fifth of the rows to join
select
    tagged.model_id,
    tagged.contact_id,
    tagged.tag,
    cast(round(tagged.tag_score, 6) as {{ lead_scoring.type_double() }}) as tag_score,
    cast(tagged.event_count as {{ dbt.type_int() }}) as event_count
from tagged
inner join {{ ref('stg_raw__contacts') }} as contacts
    on tagged.contact_id = contacts.contact_id
