from django.urls import URLPattern, URLResolver

app_name = "programmes"

urlpatterns: list[URLPattern | URLResolver] = []
