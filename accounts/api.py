from rest_framework import routers

router = routers.DefaultRouter() if False else routers.SimpleRouter()
