"""Likelihood to resolve, explainable segments, recommended cadences and the recovery projection.

* `prior`: the documented prior by age at placement and balance size;
* `features`: the allowed features (never age, DOB, sex, ZIP, name or language) and reason flags;
* `model`: prior + adjustments, calibrated per practice by regularised logistic regression;
* `segments`: segment rules, plain-English reasons, cadences within Reg F, fee recommendation;
* `score`: pure vectorised scoring; `services` / `selectors`: the database side; `tasks`: Celery;
* `projection`: the Monte Carlo recovery projection.
"""
