"""Seeds stock Oscar with the same catalogue as our demo (without our cross-border fields)."""

from django.core.management.base import BaseCommand
from django.db import transaction
from oscar.apps.catalogue.categories import create_from_breadcrumbs
from oscar.core.loading import get_model
from oscar.core.utils import slugify

from commerce.demo import catalogue_data as data

Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
ProductCategory = get_model("catalogue", "ProductCategory")
Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")


class Command(BaseCommand):
    help = "Seed stock Oscar's database with the demo catalogue (for make bench)."

    def add_arguments(self, parser):
        parser.add_argument("--products", type=int, default=2000)

    @transaction.atomic
    def handle(self, *args, products, **options):
        if Product.objects.exists():
            self.stdout.write("stock Oscar already seeded")
            return
        product_class = ProductClass.objects.create(
            name="Cross-border goods", slug="cross-border-goods", track_stock=True
        )
        partners = {
            code: Partner.objects.create(code=code, name=name) for code, name, *_ in data.MERCHANTS
        }
        categories = {spec[0]: create_from_breadcrumbs(spec[0]) for spec in data.CATEGORIES}
        specs = list(data.product_specs(products))
        Product.objects.bulk_create(
            [
                Product(
                    upc=s.upc,
                    title=s.title,
                    slug=slugify(s.title) or s.upc.lower(),
                    description=s.description,
                    product_class=product_class,
                    structure=Product.STANDALONE,
                    is_public=True,
                )
                for s in specs
            ],
            batch_size=500,
        )
        by_upc = {p.upc: p for p in Product.objects.all()}
        ProductCategory.objects.bulk_create(
            [ProductCategory(product=by_upc[s.upc], category=categories[s.category]) for s in specs]
        )
        StockRecord.objects.bulk_create(
            [
                StockRecord(
                    product=by_upc[s.upc],
                    partner=partners[s.merchant],
                    partner_sku=s.upc,
                    price=s.price,
                    price_currency=s.currency,
                    num_in_stock=1000,
                )
                for s in specs
            ]
        )
        self.stdout.write(f"seeded stock Oscar with {len(specs)} products")
