from rest_framework.routers import SimpleRouter

from fangkong.webhooks.api.views import DeliveryViewSet, SubscriptionViewSet

router = SimpleRouter()
router.register("subscriptions", SubscriptionViewSet, basename="webhooks-subscription")
router.register("deliveries", DeliveryViewSet, basename="webhooks-delivery")

urlpatterns = router.urls
