select
    {{ lead_scoring.clean_text('model_id') }} as model_id,
    {{ lead_scoring.clean_text('band') }} as band,
    min_score,
    coalesce(is_sales_ready, false) as is_sales_ready,
    {{ lead_scoring.optional_column(
        lead_scoring.rule_seed('score_bands'), 'min_fit_score', lead_scoring.type_double()
    ) }} as min_fit_score
from {{ lead_scoring.rule_seed('score_bands') }}
