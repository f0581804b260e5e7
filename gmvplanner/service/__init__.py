"""What the app and the command lines ask of the package: the planner and its jobs (plans, budget requests, the
app's model), background retraining, checking an upload, saved plans in the team library, sign-in roles, upload
folders and the shared model version."""
