app_name = "notes"
urlpatterns: list[object] = []
