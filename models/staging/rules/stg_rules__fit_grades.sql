select
    {{ lead_scoring.clean_text('model_id') }} as model_id,
    {{ lead_scoring.clean_text('grade') }} as grade,
    min_fit_score
from {{ lead_scoring.rule_seed('fit_grades') }}
