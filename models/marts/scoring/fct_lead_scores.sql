-- One row per (active model, contact): the published lead score with stage (band entry) and
-- routing columns. Scores, bands, ranks and the owner come from int_routed_lead_scores
-- (int_lead_scores routed); band_entered_at and points_in_band from the score history.
with history as (
    select
        model_id,
        contact_id,
        band,
        score,
        valid_from,
        case
            when band = lag(band) over (partition by model_id, contact_id order by valid_from) then 0
            else 1
        end as starts_band
    from {{ ref('fct_lead_score_history') }}
    where valid_from <= {{ lead_scoring.as_of() }}
),

band_runs as (
    select
        *,
        sum(starts_band) over (
            partition by model_id, contact_id order by valid_from
            rows between unbounded preceding and current row
        ) as run_number
    from history
),

current_band_run as (
    -- the latest run of consecutive versions in one band: when it began and the score then
    select
        model_id,
        contact_id,
        band,
        valid_from as band_entered_at,
        score as score_at_band_entry
    from (
        select
            *,
            row_number() over (
                partition by model_id, contact_id order by run_number desc, valid_from asc
            ) as pick
        from band_runs
    ) as runs
    where pick = 1
)

select
    scores.model_id,
    scores.contact_id,
    scores.account_id,
    scores.fit_score,
    scores.engagement_score,
    scores.score,
    scores.band,
    scores.is_sales_ready,
    scores.score_rank,
    scores.score_percentile,
    scores.primary_interest_tag,
    scores.last_activity_at,
    case
        when current_band_run.band = scores.band then current_band_run.band_entered_at
        else {{ lead_scoring.as_of() }}
    end as band_entered_at,
    cast(round(case
        when current_band_run.band = scores.band then scores.score - current_band_run.score_at_band_entry
        else 0
    end, 6) as {{ lead_scoring.type_double() }}) as points_in_band,
    scores.owner_id,
    scores.routing_rule_id,
    {{ lead_scoring.as_of() }} as scored_at,
    rules_version.rules_version,
    scores.fit_grade,
    scores.engagement_tier,
    scores.matrix_cell,
    scores.engagement_reset_at
from {{ ref('int_routed_lead_scores') }} as scores
left join current_band_run
    on
        scores.model_id = current_band_run.model_id
        and scores.contact_id = current_band_run.contact_id
cross join {{ ref('int_rules_version') }} as rules_version
