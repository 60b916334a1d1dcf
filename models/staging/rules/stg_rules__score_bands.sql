-- Every rule seed is a parent, so a failed seed validation test stops this model and all
-- scoring after it (dbt build runs a node only after its parents' tests pass).
-- depends_on: {{ ref('scoring_models') }}, {{ ref('attribute_rules') }}, {{ ref('behavior_rules') }}
-- depends_on: {{ ref('absence_rules') }}, {{ ref('score_bands') }}, {{ ref('routing_rules') }}
-- depends_on: {{ ref('rule_groups') }}, {{ ref('fit_grades') }}, {{ ref('engagement_tiers') }}
select
    {{ lead_scoring.clean_text('model_id') }} as model_id,
    {{ lead_scoring.clean_text('band') }} as band,
    min_score,
    coalesce(is_sales_ready, false) as is_sales_ready,
    {{ lead_scoring.optional_column(ref('score_bands'), 'min_fit_score', lead_scoring.type_double()) }} as min_fit_score
from {{ ref('score_bands') }}
