-- One row per (active model, contact): fit, engagement, clamped score, band, rank and
-- interest as of the scoring time (fct_lead_scores adds stage and routing columns).
with models as (
    select * from {{ ref('int_active_scoring_models') }}
),

contacts as (
    select * from {{ ref('stg_raw__contacts') }}
),

totals as (
    select
        model_id,
        contact_id,
        sum(case when score_part = 'fit' then points else 0 end) as fit_score,
        sum(case when score_part = 'engagement' then points else 0 end) as engagement_score
    from {{ ref('int_lead_score_contributions') }}
    group by model_id, contact_id
),

activity as (
    select
        contact_id,
        max(occurred_at) as last_activity_at
    from {{ ref('stg_raw__interactions') }}
    where contact_id is not null and occurred_at <= {{ lead_scoring.as_of() }}
    group by contact_id
),

scored as (
    select
        models.model_id,
        contacts.contact_id,
        contacts.account_id,
        round(coalesce(totals.fit_score, 0), 6) as fit_score,
        round(coalesce(totals.engagement_score, 0), 6) as engagement_score,
        round(
            case
                when models.score_cap is not null
                    and coalesce(totals.fit_score, 0) + coalesce(totals.engagement_score, 0) > models.score_cap
                    then models.score_cap
                when models.score_floor is not null
                    and coalesce(totals.fit_score, 0) + coalesce(totals.engagement_score, 0) < models.score_floor
                    then models.score_floor
                else coalesce(totals.fit_score, 0) + coalesce(totals.engagement_score, 0)
            end, 6
        ) as score,
        activity.last_activity_at
    from models
    cross join contacts
    left join totals
        on models.model_id = totals.model_id and contacts.contact_id = totals.contact_id
    left join activity
        on contacts.contact_id = activity.contact_id
),

banded as (
    {{ lead_scoring.pick_band(
        'scored', ['model_id', 'contact_id'], 'score', ref('stg_rules__score_bands'), fit='fit_score'
    ) }}
),

graded as (
    {{ lead_scoring.pick_threshold(
        'scored', 'fit_score', ref('stg_rules__fit_grades'), 'grade', 'min_fit_score'
    ) }}
),

tiered as (
    {{ lead_scoring.pick_threshold(
        'scored', 'engagement_score', ref('stg_rules__engagement_tiers'), 'tier', 'min_engagement_score'
    ) }}
),

interests as (
    select
        model_id,
        contact_id,
        tag,
        row_number() over (partition by model_id, contact_id order by tag_score desc, tag asc) as interest_rank
    from {{ ref('int_lead_tag_scores') }}
)

select
    scored.model_id,
    scored.contact_id,
    scored.account_id,
    cast(round(scored.fit_score, 6) as {{ lead_scoring.type_double() }}) as fit_score,
    cast(round(scored.engagement_score, 6) as {{ lead_scoring.type_double() }}) as engagement_score,
    cast(scored.score as {{ lead_scoring.type_double() }}) as score,
    banded.band,
    coalesce(banded.is_sales_ready, false) as is_sales_ready,
    cast(row_number() over (
        partition by scored.model_id
        order by scored.score desc, scored.last_activity_at desc nulls last, scored.contact_id asc
    ) as {{ dbt.type_int() }}) as score_rank,
    cast(
        round(100 * percent_rank() over (partition by scored.model_id order by scored.score), 4)
        as {{ lead_scoring.type_double() }}
    ) as score_percentile,
    interests.tag as primary_interest_tag,
    scored.last_activity_at,
    graded.grade as fit_grade,
    tiered.tier as engagement_tier,
    {{ dbt.concat(['graded.grade', 'tiered.tier']) }} as matrix_cell,
    resets.engagement_reset_at
from scored
left join banded
    on
        scored.model_id = banded.model_id
        and scored.contact_id = banded.contact_id
left join interests
    on
        scored.model_id = interests.model_id
        and scored.contact_id = interests.contact_id
        and interests.interest_rank = 1
left join graded
    on
        scored.model_id = graded.model_id
        and scored.contact_id = graded.contact_id
left join tiered
    on
        scored.model_id = tiered.model_id
        and scored.contact_id = tiered.contact_id
left join {{ ref('int_engagement_resets') }} as resets
    on
        scored.model_id = resets.model_id
        and scored.contact_id = resets.contact_id
