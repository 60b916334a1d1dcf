-- One row per (active model, contact): fit, engagement, clamped score, band, rank and
-- interest as of the scoring time (fct_lead_scores adds stage and routing columns).
with scored as (
    select * from {{ ref('int_lead_score_totals') }}
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

top_tag_scores as (
    select
        model_id,
        contact_id,
        max(tag_score) as top_tag_score
    from {{ ref('int_lead_tag_scores') }}
    group by model_id, contact_id
),

interests as (
    -- the highest tag score, ties to the first tag by name (two groupings: a third of the
    -- time of numbering every tag row per lead)
    select
        tag_scores.model_id,
        tag_scores.contact_id,
        min(tag_scores.tag) as tag
    from {{ ref('int_lead_tag_scores') }} as tag_scores
    inner join top_tag_scores
        on
            tag_scores.model_id = top_tag_scores.model_id
            and tag_scores.contact_id = top_tag_scores.contact_id
            and tag_scores.tag_score = top_tag_scores.top_tag_score
    group by tag_scores.model_id, tag_scores.contact_id
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
