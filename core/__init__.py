"""What every app of the site stands on and the Django project (cms/) only configures: the task
decorator, the shared rate limits and the visitor's real address behind the proxies, and the backup.

Apart from cms/ because cms/ also holds the root URLconf, which imports every app: helpers the apps
import must sit below the apps, not in the package above them. Imports nothing of the site.
"""
