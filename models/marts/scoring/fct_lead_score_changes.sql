{{ config(
    materialized='incremental',
    unique_key=['model_id', 'contact_id', 'changed_at'],
    incremental_strategy=lead_scoring.incremental_strategy('delete+insert'),
    full_refresh=false,
    on_schema_change='append_new_columns'
) }}

{#- Why a score changed: whenever fct_lead_score_history records a new version of a lead (in
    this build, at as_of), one row per rule whose contribution differs from the lead's previous
    version. The deltas of a change sum exactly to the score change (a score_clamp row carries
    the effect of score_floor / score_cap). In a decaying model a rule's change is split in two
    rows: change_kind 'decay' (what its previous points decayed to by now) and 'update' (the
    rest: new or expired events, windows, caps, rule edits).
    The contributions of the previous version are not stored anywhere else: they are replayed
    from this table (the latest points_after per rule since the lead's versions began), so the
    table is kept across builds and --full-refresh, like the history, and rewritten for past
    periods only by scripts/backfill_history.py. A lead whose previous version predates this
    table gets rules from zero and one 'untracked' row taking away the previous score. -#}

{%- set as_of = lead_scoring.as_of() %}

with history as (
    select * from {{ ref('fct_lead_score_history') }}
),

scores as (
    select
        model_id,
        contact_id,
        score
    from {{ ref('int_lead_scores') }}
),

written as (
    -- leads whose change at as_of is already written (a rerun at the same as_of)
    {%- if is_incremental() %}
    select distinct
        model_id,
        contact_id
    from {{ this }}
    where changed_at = {{ as_of }}
    {%- else %}
    select
        model_id,
        contact_id
    from history
    where 1 = 0
    {%- endif %}
),

new_versions as (
    -- versions the history started at as_of and that are still this build's scores (a rerun at
    -- the same as_of over changed data writes nothing the history did not record)
    select
        history.model_id,
        history.contact_id,
        history.valid_from as changed_at,
        history.score,
        history.rules_version
    from history
    inner join scores
        on
            history.model_id = scores.model_id
            and history.contact_id = scores.contact_id
    left join written
        on
            history.model_id = written.model_id
            and history.contact_id = written.contact_id
    where
        history.valid_from = {{ as_of }}
        and abs(history.score - scores.score) < 0.0000005
        and written.contact_id is null
),

lead_versions as (
    -- every version of the leads changing now, marking where an unbroken run of versions starts
    select
        *,
        case when previous_valid_to = valid_from then 0 else 1 end as starts_run
    from (
        select
            history.model_id,
            history.contact_id,
            history.valid_from,
            history.valid_to,
            history.score,
            lag(history.valid_to) over (
                partition by history.model_id, history.contact_id order by history.valid_from
            ) as previous_valid_to
        from history
        inner join new_versions
            on
                history.model_id = new_versions.model_id
                and history.contact_id = new_versions.contact_id
    ) as versions
),

previous_versions as (
    -- the version closed now, and when its unbroken run of versions began
    select
        model_id,
        contact_id,
        valid_from as previous_changed_at,
        score as previous_score,
        run_started_at,
        {{ lead_scoring.age_days('valid_from', as_of) }} as days_since_previous
    from (
        select
            *,
            max(case when starts_run = 1 then valid_from end) over (
                partition by model_id, contact_id order by valid_from
                rows between unbounded preceding and current row
            ) as run_started_at
        from lead_versions
    ) as runs
    where valid_to = {{ as_of }}
),

stored as (
    {%- if is_incremental() %}
    select
        model_id,
        contact_id,
        changed_at,
        rule_kind,
        rule_id,
        change_kind,
        points_after
    from {{ this }}
    {%- else %}
    select
        model_id,
        contact_id,
        changed_at,
        cast(null as {{ dbt.type_string() }}) as rule_kind,
        cast(null as {{ dbt.type_string() }}) as rule_id,
        cast(null as {{ dbt.type_string() }}) as change_kind,
        cast(null as {{ lead_scoring.type_double() }}) as points_after
    from new_versions
    where 1 = 0
    {%- endif %}
),

tracking as (
    -- rows are known from the first change this table recorded on
    select coalesce(min(changed_at), {{ as_of }}) as tracking_started_at from stored
),

baselines as (
    -- an 'untracked' row restarts what this table knows of a lead: from then on it is complete
    select
        model_id,
        contact_id,
        max(changed_at) as baseline_at
    from stored
    where rule_kind = 'untracked'
    group by model_id, contact_id
),

changing as (
    select
        new_versions.model_id,
        new_versions.contact_id,
        new_versions.changed_at,
        new_versions.score,
        new_versions.rules_version,
        previous_versions.previous_changed_at,
        previous_versions.previous_score,
        previous_versions.run_started_at,
        previous_versions.contact_id is not null as has_previous,
        coalesce(
            previous_versions.run_started_at >= tracking.tracking_started_at
            or baselines.baseline_at >= previous_versions.run_started_at,
            false
        ) as is_tracked,
        case
            when baselines.baseline_at >= previous_versions.run_started_at then baselines.baseline_at
            else previous_versions.run_started_at
        end as known_since,
        case
            when models.decay_half_life_days is not null and previous_versions.contact_id is not null
                then power(0.5, previous_versions.days_since_previous / models.decay_half_life_days)
        end as decay_factor
    from new_versions
    cross join tracking
    left join previous_versions
        on
            new_versions.model_id = previous_versions.model_id
            and new_versions.contact_id = previous_versions.contact_id
    left join baselines
        on
            new_versions.model_id = baselines.model_id
            and new_versions.contact_id = baselines.contact_id
    left join {{ ref('stg_rules__scoring_models') }} as models
        on new_versions.model_id = models.model_id
),

before_rules as (
    -- the previous version's contribution per rule: the latest row since its run of versions
    -- began (or since its last untracked row)
    select
        model_id,
        contact_id,
        rule_kind,
        rule_id,
        points_after as points
    from (
        select
            stored.model_id,
            stored.contact_id,
            stored.rule_kind,
            stored.rule_id,
            stored.points_after,
            row_number() over (
                partition by stored.model_id, stored.contact_id, stored.rule_kind, stored.rule_id
                order by stored.changed_at desc, case when stored.change_kind = 'update' then 0 else 1 end
            ) as recency
        from stored
        inner join changing
            on
                stored.model_id = changing.model_id
                and stored.contact_id = changing.contact_id
        where
            changing.is_tracked
            and stored.changed_at >= changing.known_since
            and stored.changed_at < changing.changed_at
            and stored.rule_kind not in ('score_clamp', 'untracked')
    ) as latest
    where recency = 1
),

after_rules as (
    select
        contributions.model_id,
        contributions.contact_id,
        contributions.rule_kind,
        contributions.rule_id,
        contributions.points
    from {{ ref('int_lead_score_contributions') }} as contributions
    inner join changing
        on
            contributions.model_id = changing.model_id
            and contributions.contact_id = changing.contact_id
),

rule_changes as (
    select
        changing.model_id,
        changing.contact_id,
        changing.changed_at,
        changing.previous_changed_at,
        changing.rules_version,
        coalesce(after_rules.rule_kind, before_rules.rule_kind) as rule_kind,
        coalesce(after_rules.rule_id, before_rules.rule_id) as rule_id,
        coalesce(before_rules.points, 0) as points_before,
        coalesce(after_rules.points, 0) as points_after,
        -- decay applies to the points of behaviour and no_response rules of decaying models
        case
            when
                before_rules.points is not null
                and changing.decay_factor is not null
                and (
                    coalesce(after_rules.rule_kind, before_rules.rule_kind) = 'behavior'
                    or absence_rules.rule_kind = 'no_response'
                )
                then round(before_rules.points * changing.decay_factor, 6)
        end as points_decayed
    from after_rules
    full outer join before_rules
        on
            after_rules.model_id = before_rules.model_id
            and after_rules.contact_id = before_rules.contact_id
            and after_rules.rule_kind = before_rules.rule_kind
            and after_rules.rule_id = before_rules.rule_id
    inner join changing
        on
            coalesce(after_rules.model_id, before_rules.model_id) = changing.model_id
            and coalesce(after_rules.contact_id, before_rules.contact_id) = changing.contact_id
    left join {{ ref('stg_rules__absence_rules') }} as absence_rules
        on
            coalesce(after_rules.rule_kind, before_rules.rule_kind) = 'absence'
            and changing.model_id = absence_rules.model_id
            and coalesce(after_rules.rule_id, before_rules.rule_id) = absence_rules.rule_id
),

totals as (
    select
        changing.model_id,
        changing.contact_id,
        changing.changed_at,
        changing.previous_changed_at,
        changing.rules_version,
        changing.has_previous,
        changing.is_tracked,
        changing.score,
        changing.previous_score,
        coalesce(sum(rule_changes.points_before), 0) as points_before,
        coalesce(sum(rule_changes.points_after), 0) as points_after
    from changing
    left join rule_changes
        on
            changing.model_id = rule_changes.model_id
            and changing.contact_id = rule_changes.contact_id
    group by
        changing.model_id, changing.contact_id, changing.changed_at, changing.previous_changed_at,
        changing.rules_version, changing.has_previous, changing.is_tracked, changing.score,
        changing.previous_score
),

lines as (
    -- a rule's decay, then the rest of its change
    select
        model_id,
        contact_id,
        changed_at,
        previous_changed_at,
        rule_kind,
        rule_id,
        'decay' as change_kind,
        points_before,
        points_decayed as points_after,
        rules_version
    from rule_changes
    where points_decayed is not null and round(points_after - points_before, 6) <> 0

    union all

    select
        model_id,
        contact_id,
        changed_at,
        previous_changed_at,
        rule_kind,
        rule_id,
        'update' as change_kind,
        coalesce(points_decayed, points_before) as points_before,
        points_after,
        rules_version
    from rule_changes
    where round(points_after - points_before, 6) <> 0

    union all

    -- score_floor / score_cap: the score minus the rules' sum, before and after
    select
        model_id,
        contact_id,
        changed_at,
        previous_changed_at,
        'score_clamp' as rule_kind,
        'score_clamp' as rule_id,
        'update' as change_kind,
        case when is_tracked then round(previous_score - points_before, 6) else 0 end as points_before,
        round(score - points_after, 6) as points_after,
        rules_version
    from totals

    union all

    -- a previous version whose rules this table never saw: its whole score goes
    select
        model_id,
        contact_id,
        changed_at,
        previous_changed_at,
        'untracked' as rule_kind,
        'untracked' as rule_id,
        'update' as change_kind,
        previous_score as points_before,
        0 as points_after,
        rules_version
    from totals
    where has_previous and not is_tracked
)

select
    model_id,
    contact_id,
    changed_at,
    previous_changed_at,
    rule_id,
    rule_kind,
    change_kind,
    cast(round(points_before, 6) as {{ lead_scoring.type_double() }}) as points_before,
    cast(round(points_after, 6) as {{ lead_scoring.type_double() }}) as points_after,
    cast(round(points_after - points_before, 6) as {{ lead_scoring.type_double() }}) as delta,
    rules_version
from lines
-- an untracked row stays even at 0: it marks where this table's knowledge of the lead restarts
where round(points_after - points_before, 6) <> 0 or rule_kind = 'untracked'
