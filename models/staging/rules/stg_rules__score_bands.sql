-- Every rule seed is a parent, so a failed seed validation test stops this model and all
-- scoring after it (dbt build runs a node only after its parents' tests pass).
-- depends_on: {{ lead_scoring.all_rule_seeds() }}
select
    {{ lead_scoring.clean_text('model_id') }} as model_id,
    {{ lead_scoring.clean_text('band') }} as band,
    min_score,
    coalesce(is_sales_ready, false) as is_sales_ready,
    {{ lead_scoring.optional_column(
        lead_scoring.rule_seed('score_bands'), 'min_fit_score', lead_scoring.type_double()
    ) }} as min_fit_score
from {{ lead_scoring.rule_seed('score_bands') }}
